/** Polls `cond` every `every` ms until it holds or `ms` pass; returns its last value. */
export async function until(cond: () => boolean, ms = 20000, every = 10): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, every));
  }
  return cond();
}
