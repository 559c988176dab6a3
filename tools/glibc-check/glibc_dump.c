/*
 * Oracle for tools/glibc-check/check.mjs: evaluates the local libm's logf, expf or erff on
 * every binary32 bit pattern of a range and writes the result bit patterns to stdout as
 * little-endian uint32 words. Compiled at run time into /tmp (nothing built is committed).
 *
 *   glibc_dump version                 prints gnu_get_libc_version()
 *   glibc_dump <logf|expf|erff> LO N   results for the bit patterns LO, LO+1, ..., LO+N-1
 *   glibc_dump <logf|expf|erff> -      reads uint32 bit patterns from stdin until EOF
 */
#include <gnu/libc-version.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef float (*fn_t)(float);
/* Called through a volatile pointer so that the compiler can neither inline nor fold them. */
static fn_t volatile fns[3] = { logf, expf, erff };

static float call(int f, uint32_t bits)
{
  float x;
  memcpy(&x, &bits, 4);
  return fns[f](x);
}

int main(int argc, char **argv)
{
  if (argc == 2 && strcmp(argv[1], "version") == 0) {
    printf("%s\n", gnu_get_libc_version());
    return 0;
  }
  if (argc < 3) return 2;
  int f = strcmp(argv[1], "logf") == 0 ? 0 : strcmp(argv[1], "expf") == 0 ? 1
        : strcmp(argv[1], "erff") == 0 ? 2 : -1;
  if (f < 0) return 2;
  enum { B = 1 << 16 };
  static uint32_t in[B], out[B];
  if (strcmp(argv[2], "-") == 0) {
    size_t n;
    while ((n = fread(in, 4, B, stdin)) > 0) {
      for (size_t j = 0; j < n; j++) {
        float y = call(f, in[j]);
        memcpy(&out[j], &y, 4);
      }
      if (fwrite(out, 4, n, stdout) != n) return 1;
    }
    return 0;
  }
  if (argc != 4) return 2;
  uint64_t lo = strtoull(argv[2], NULL, 0), n = strtoull(argv[3], NULL, 0);
  while (n > 0) {
    size_t m = n < B ? (size_t)n : B;
    for (size_t j = 0; j < m; j++) {
      float y = call(f, (uint32_t)(lo + j));
      memcpy(&out[j], &y, 4);
    }
    if (fwrite(out, 4, m, stdout) != m) return 1;
    lo += m;
    n -= m;
  }
  return 0;
}
