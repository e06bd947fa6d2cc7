/**
 * The JSON object in a language model's answer, or undefined. Models asked for JSON still wrap it in code
 * fences or a sentence now and then: the text from the first `{` to the last `}` is parsed.
 */
export function parseModelJson(answer: string): unknown {
  const start = answer.indexOf('{');
  const end = answer.lastIndexOf('}');
  if (start < 0 || end < start) return undefined;
  try {
    return JSON.parse(answer.slice(start, end + 1));
  } catch {
    return undefined;
  }
}
