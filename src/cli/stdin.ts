// `-` in place of an expression or a file name: read standard input (all of it, once).
export const STDIN = '-';

let read: Promise<string> | undefined;

export function readStdin(): Promise<string> {
  read ??= (async () => {
    let text = '';
    process.stdin.setEncoding('utf8');
    for await (const chunk of process.stdin) text += chunk;
    return text;
  })();
  return read;
}
