/** Tiny helpers shared by the bench scripts. */
export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
