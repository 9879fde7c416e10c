namespace Atoll.TimeTravel.Benchmarks;

/// <summary>Repeated measurements of one quantity; reported as their median.</summary>
sealed class Samples
{
    readonly List<double> _values = [];

    public void Add(double value) => _values.Add(value);

    public double Last => _values[^1];

    public double Median
    {
        get
        {
            var sorted = _values.Order().ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        }
    }

    public override string ToString() => string.Join(", ", _values.Select(v => v.ToString("F0")));
}
