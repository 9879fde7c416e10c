// JSON.parse loses integers beyond 2^53 (9007199254740993 becomes ...992). This parser keeps every integer literal
// outside the safe range as a BigInt and everything else as JSON.parse would, so 64-bit values show exactly.
export function parseJson(text) {
  let i = 0;
  const fail = (what) => { throw new SyntaxError(`Bad JSON at position ${i}: ${what}`); };
  const space = () => { while (i < text.length && ' \t\n\r'.includes(text[i])) i++; };
  function value() {
    space();
    const c = text[i];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]]) {
      if (text.startsWith(word, i)) { i += word.length; return v; }
    }
    return fail('unexpected ' + (c === undefined ? 'end' : `'${c}'`));
  }
  function object() {
    const result = {};
    i++; space();
    if (text[i] === '}') { i++; return result; }
    for (;;) {
      space();
      if (text[i] !== '"') fail('expected a property name');
      const key = string();
      space();
      if (text[i++] !== ':') fail("expected ':'");
      Object.defineProperty(result, key, { value: value(), enumerable: true, writable: true, configurable: true });
      space();
      if (text[i] === ',') { i++; continue; }
      if (text[i] === '}') { i++; return result; }
      fail("expected ',' or '}'");
    }
  }
  function array() {
    const result = [];
    i++; space();
    if (text[i] === ']') { i++; return result; }
    for (;;) {
      result.push(value());
      space();
      if (text[i] === ',') { i++; continue; }
      if (text[i] === ']') { i++; return result; }
      fail("expected ',' or ']'");
    }
  }
  function string() {
    const start = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unterminated string');
    i++;
    return JSON.parse(text.slice(start, i));
  }
  function number() {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match) fail('bad number');
    i += match[0].length;
    if (match[2] === undefined && match[3] === undefined) {
      const n = Number(match[0]);
      return Number.isSafeInteger(n) ? n : BigInt(match[0]);
    }
    return Number(match[0]);
  }
  const result = value();
  space();
  if (i !== text.length) fail('trailing characters');
  return result;
}
