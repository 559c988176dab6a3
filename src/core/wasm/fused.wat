;; Fused-multiply-add variants of the float32 transforms of kernels.wat (torch-parity §3.1–§3.3).
;; tools/build-wasm.mjs compiles this file into src/core/wasm/fused-wasm.ts (committed, generated).
;;
;; torch's AVX2 kernels round every a·b + c of the Cephes polynomials and of the final
;; `x·std + mean` ONCE (vfmadd, FMA contraction). kernels.wat reproduces that single rounding
;; with binary64 lanes (two f64x2 halves per four float32 lanes, midpoint checks and a TwoSum
;; fix-up). f32x4.relaxed_madd (relaxed-SIMD proposal) is a hardware FMA where the host has one,
;; which IS the single rounding: ~4x fewer instructions. Relaxed semantics allow an unfused
;; mul+add instead, so src/core/wasm/engine.ts uses this module only after a probe has shown that
;; relaxed_madd rounds once on this host (both V8 tiers emit the same instruction), and only where
;; the module validates at all (Node 20 needs V8's --experimental-wasm-relaxed-simd, which
;; src/v8-flags.ts sets; without it everything runs on kernels.wat, with the same bits).
;;
;; The module has no memory of its own: it imports kernels.wat's, and transforms words that
;; kernels.wat's fill_words put there.
(module
  (import "k" "mem" (memory 5))

  ;; The probe: relaxed_madd of four lanes at 0, 16, 32 → 48. (1+2^-23)(1−2^-23) − 1 is −2^-46
  ;; fused and 0 unfused.
  (func (export "probe")
    (v128.store (i32.const 48)
      (f32x4.relaxed_madd (v128.load (i32.const 0)) (v128.load (i32.const 16)) (v128.load (i32.const 32)))))

  ;; float32 uniform_ transform of n words at dst, in place: out = fma32(x, R, F) with
  ;; x = (w & 0xFFFFFF)·2^-24 (exact in binary32). Whole 4-lane groups (the buffer has room).
  (func (export "uniform_f32_words_fma") (param $dst i32) (param $n i32) (param $r f32) (param $f f32)
    (local $p i32) (local $end i32) (local $R v128) (local $F v128)
    (local.set $R (f32x4.splat (local.get $r)))
    (local.set $F (f32x4.splat (local.get $f)))
    (local.set $p (local.get $dst))
    (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (v128.store (local.get $p)
          (f32x4.relaxed_madd
            (f32x4.mul
              (f32x4.convert_i32x4_s
                (v128.and (v128.load (local.get $p)) (v128.load offset=3088 (i32.const 0))))
              (v128.load offset=3104 (i32.const 0)))
            (local.get $R) (local.get $F)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $l))))

  ;; The constants of normal_f32_words_fma, stored at instantiation in [3072, 3072 + 16·37) of
  ;; kernels.wat's memory (a free region there): V8 rebuilds every v128.const in a loop from two
  ;; general registers (3 instructions); a load from memory is one.
  (func $constants
    (v128.store offset=3072 (i32.const 0) (v128.const i32x4 0x01000000 0x01000000 0x01000000 0x01000000))
    (v128.store offset=3088 (i32.const 0) (v128.const i32x4 0x00ffffff 0x00ffffff 0x00ffffff 0x00ffffff))
    (v128.store offset=3104 (i32.const 0) (v128.const f32x4 0x1p-24 0x1p-24 0x1p-24 0x1p-24))
    (v128.store offset=3120 (i32.const 0) (v128.const i32x4 0x007fffff 0x007fffff 0x007fffff 0x007fffff))
    (v128.store offset=3136 (i32.const 0) (v128.const i32x4 0x3f000000 0x3f000000 0x3f000000 0x3f000000))
    (v128.store offset=3152 (i32.const 0) (v128.const f32x4 0x1.6a09e6p-1 0x1.6a09e6p-1 0x1.6a09e6p-1 0x1.6a09e6p-1))
    (v128.store offset=3168 (i32.const 0) (v128.const i32x4 126 126 126 126))
    (v128.store offset=3184 (i32.const 0) (v128.const f32x4 1 1 1 1))
    (v128.store offset=3200 (i32.const 0) (v128.const f32x4 0x1.204376p-4 0x1.204376p-4 0x1.204376p-4 0x1.204376p-4))
    (v128.store offset=3216 (i32.const 0) (v128.const f32x4 -0x1.d7a37p-4 -0x1.d7a37p-4 -0x1.d7a37p-4 -0x1.d7a37p-4))
    (v128.store offset=3232 (i32.const 0) (v128.const f32x4 0x1.de4a34p-4 0x1.de4a34p-4 0x1.de4a34p-4 0x1.de4a34p-4))
    (v128.store offset=3248 (i32.const 0) (v128.const f32x4 -0x1.fcba9ep-4 -0x1.fcba9ep-4 -0x1.fcba9ep-4 -0x1.fcba9ep-4))
    (v128.store offset=3264 (i32.const 0) (v128.const f32x4 0x1.23d37ep-3 0x1.23d37ep-3 0x1.23d37ep-3 0x1.23d37ep-3))
    (v128.store offset=3280 (i32.const 0) (v128.const f32x4 -0x1.555cap-3 -0x1.555cap-3 -0x1.555cap-3 -0x1.555cap-3))
    (v128.store offset=3296 (i32.const 0) (v128.const f32x4 0x1.999d58p-3 0x1.999d58p-3 0x1.999d58p-3 0x1.999d58p-3))
    (v128.store offset=3312 (i32.const 0) (v128.const f32x4 -0x1.fffff8p-3 -0x1.fffff8p-3 -0x1.fffff8p-3 -0x1.fffff8p-3))
    (v128.store offset=3328 (i32.const 0) (v128.const f32x4 0x1.555554p-2 0x1.555554p-2 0x1.555554p-2 0x1.555554p-2))
    (v128.store offset=3344 (i32.const 0) (v128.const f32x4 -0x1.bd0106p-13 -0x1.bd0106p-13 -0x1.bd0106p-13 -0x1.bd0106p-13))
    (v128.store offset=3360 (i32.const 0) (v128.const f32x4 -0.5 -0.5 -0.5 -0.5))
    (v128.store offset=3376 (i32.const 0) (v128.const f32x4 0x1.63p-1 0x1.63p-1 0x1.63p-1 0x1.63p-1))
    (v128.store offset=3392 (i32.const 0) (v128.const f32x4 -2 -2 -2 -2))
    (v128.store offset=3408 (i32.const 0) (v128.const f32x4 0x1.921fb6p+2 0x1.921fb6p+2 0x1.921fb6p+2 0x1.921fb6p+2))
    (v128.store offset=3424 (i32.const 0) (v128.const f32x4 0x1.45f306p+0 0x1.45f306p+0 0x1.45f306p+0 0x1.45f306p+0))
    (v128.store offset=3440 (i32.const 0) (v128.const i32x4 1 1 1 1))
    (v128.store offset=3456 (i32.const 0) (v128.const i32x4 -2 -2 -2 -2))
    (v128.store offset=3472 (i32.const 0) (v128.const f32x4 -0x1.92p-1 -0x1.92p-1 -0x1.92p-1 -0x1.92p-1))
    (v128.store offset=3488 (i32.const 0) (v128.const f32x4 -0x1.fb4p-13 -0x1.fb4p-13 -0x1.fb4p-13 -0x1.fb4p-13))
    (v128.store offset=3504 (i32.const 0) (v128.const f32x4 -0x1.4442d2p-25 -0x1.4442d2p-25 -0x1.4442d2p-25 -0x1.4442d2p-25))
    (v128.store offset=3520 (i32.const 0) (v128.const f32x4 0x1.99eb9cp-16 0x1.99eb9cp-16 0x1.99eb9cp-16 0x1.99eb9cp-16))
    (v128.store offset=3536 (i32.const 0) (v128.const f32x4 -0x1.6c0c34p-10 -0x1.6c0c34p-10 -0x1.6c0c34p-10 -0x1.6c0c34p-10))
    (v128.store offset=3552 (i32.const 0) (v128.const f32x4 0x1.55554ap-5 0x1.55554ap-5 0x1.55554ap-5 0x1.55554ap-5))
    (v128.store offset=3568 (i32.const 0) (v128.const f32x4 0.5 0.5 0.5 0.5))
    (v128.store offset=3584 (i32.const 0) (v128.const f32x4 -0x1.9943f2p-13 -0x1.9943f2p-13 -0x1.9943f2p-13 -0x1.9943f2p-13))
    (v128.store offset=3600 (i32.const 0) (v128.const f32x4 0x1.11073cp-7 0x1.11073cp-7 0x1.11073cp-7 0x1.11073cp-7))
    (v128.store offset=3616 (i32.const 0) (v128.const f32x4 -0x1.555546p-3 -0x1.555546p-3 -0x1.555546p-3 -0x1.555546p-3))
    (v128.store offset=3632 (i32.const 0) (v128.const i32x4 4 4 4 4))
    (v128.store offset=3648 (i32.const 0) (v128.const i32x4 2 2 2 2)))
  (start $constants)

  ;; float32 normal_fill transform of n words at dst (n a multiple of 16), in place, as
  ;; normal_f32_words of kernels.wat: lanes j = 0..3 and 4..7 of a block run as two 4-lane groups
  ;; (u1 from word j, u2 from word j+8; the cos part goes to j, the sin part to j+8).
  (func (export "normal_f32_words_fma") (param $dst i32) (param $n i32) (param $mean f32) (param $std f32)
    (local $q i32) (local $end i32) (local $M v128) (local $S v128)
    (local $u1 v128) (local $m v128) (local $mask v128) (local $e v128) (local $y0 v128) (local $z v128)
    (local $y v128) (local $rad v128) (local $th v128) (local $j v128) (local $J v128) (local $r v128)
    (local $c v128) (local $s v128) (local $swap v128) (local $sin v128) (local $cos v128)
   
    (local.set $M (f32x4.splat (local.get $mean)))
    (local.set $S (f32x4.splat (local.get $std)))
    (local.set $q (local.get $dst))
    (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $group
        (br_if $done (i32.ge_u (local.get $q) (local.get $end)))

        ;; ---- radius = f32(sqrt(−2·log256(u1))), u1 = 1 − U[j] = (2^24 − k)·2^-24 (exact)
        (local.set $u1
          (f32x4.mul
            (f32x4.convert_i32x4_s
              (i32x4.sub (v128.load offset=3072 (i32.const 0))
                (v128.and (v128.load (local.get $q)) (v128.load offset=3088 (i32.const 0)))))
            (v128.load offset=3104 (i32.const 0))))
        ;; m = mantissa in [0.5, 1); e = exponent + 1, minus 1 where m < SQRTHF
        (local.set $m
          (v128.or (v128.and (local.get $u1) (v128.load offset=3120 (i32.const 0)))
            (v128.load offset=3136 (i32.const 0))))
        (local.set $mask (f32x4.lt (local.get $m) (v128.load offset=3152 (i32.const 0))))
        (local.set $e
          (f32x4.convert_i32x4_s
            (i32x4.add
              (i32x4.sub (i32x4.shr_u (local.get $u1) (i32.const 23)) (v128.load offset=3168 (i32.const 0)))
              (local.get $mask))))
        ;; y0 = m − 1, or (m − 1) + m where m < SQRTHF (both exact)
        (local.set $y0
          (f32x4.add
            (f32x4.sub (local.get $m) (v128.load offset=3184 (i32.const 0)))
            (v128.and (local.get $m) (local.get $mask))))
        (local.set $z (f32x4.mul (local.get $y0) (local.get $y0)))
        ;; y = fma(P0, y0, P1), then y = fma(y, y0, Pk) for k = 2..8
        (local.set $y (f32x4.relaxed_madd (v128.load offset=3200 (i32.const 0))
          (local.get $y0) (v128.load offset=3216 (i32.const 0))))
        (local.set $y (f32x4.relaxed_madd (local.get $y) (local.get $y0)
          (v128.load offset=3232 (i32.const 0))))
        (local.set $y (f32x4.relaxed_madd (local.get $y) (local.get $y0)
          (v128.load offset=3248 (i32.const 0))))
        (local.set $y (f32x4.relaxed_madd (local.get $y) (local.get $y0)
          (v128.load offset=3264 (i32.const 0))))
        (local.set $y (f32x4.relaxed_madd (local.get $y) (local.get $y0)
          (v128.load offset=3280 (i32.const 0))))
        (local.set $y (f32x4.relaxed_madd (local.get $y) (local.get $y0)
          (v128.load offset=3296 (i32.const 0))))
        (local.set $y (f32x4.relaxed_madd (local.get $y) (local.get $y0)
          (v128.load offset=3312 (i32.const 0))))
        (local.set $y (f32x4.relaxed_madd (local.get $y) (local.get $y0)
          (v128.load offset=3328 (i32.const 0))))
        ;; y = y·y0; y = fma(y, z, e·Q1)
        (local.set $y (f32x4.mul (local.get $y) (local.get $y0)))
        (local.set $y (f32x4.relaxed_madd (local.get $y) (local.get $z)
          (f32x4.mul (local.get $e) (v128.load offset=3344 (i32.const 0)))))
        ;; y = z·(−0.5) + y (z·−0.5 exact); L = e·Q2 + (y0 + y) (e·Q2 exact)
        (local.set $y (f32x4.add (f32x4.mul (local.get $z) (v128.load offset=3360 (i32.const 0))) (local.get $y)))
        (local.set $y
          (f32x4.add
            (f32x4.mul (local.get $e) (v128.load offset=3376 (i32.const 0)))
            (f32x4.add (local.get $y0) (local.get $y))))
        (local.set $rad (f32x4.sqrt (f32x4.mul (local.get $y) (v128.load offset=3392 (i32.const 0)))))

        ;; ---- θ = f32(f32(2π)·u2), u2 = U[j+8]; sincos256(θ)
        (local.set $th
          (f32x4.mul (v128.load offset=3408 (i32.const 0))
            (f32x4.mul
              (f32x4.convert_i32x4_s
                (v128.and (v128.load offset=32 (local.get $q)) (v128.load offset=3088 (i32.const 0))))
              (v128.load offset=3104 (i32.const 0)))))
        ;; j = (trunc(f32(θ·FOPI)) + 1) & ~1: θ·FOPI is in [0, 8], where the relaxed truncation is
        ;; exact (it differs from trunc_sat only for NaN and out-of-range lanes); j is exact as a float32
        (local.set $j
          (v128.and
            (i32x4.add
              (i32x4.relaxed_trunc_f32x4_s
                (f32x4.mul (local.get $th) (v128.load offset=3424 (i32.const 0))))
              (v128.load offset=3440 (i32.const 0)))
            (v128.load offset=3456 (i32.const 0))))
        (local.set $J (f32x4.convert_i32x4_s (local.get $j)))
        ;; r = fma(j, DP1, θ); r = fma(j, DP2, r); r = fma(j, DP3, r)
        (local.set $r (f32x4.relaxed_madd (local.get $J) (v128.load offset=3472 (i32.const 0)) (local.get $th)))
        (local.set $r (f32x4.relaxed_madd (local.get $J) (v128.load offset=3488 (i32.const 0)) (local.get $r)))
        (local.set $r (f32x4.relaxed_madd (local.get $J) (v128.load offset=3504 (i32.const 0)) (local.get $r)))
        (local.set $z (f32x4.mul (local.get $r) (local.get $r)))
        ;; c = fma(C0, z, C1); c = fma(c, z, C2); c = c·z; c = fma(c, z, −(z·0.5)); c + 1
        (local.set $c (f32x4.relaxed_madd (v128.load offset=3520 (i32.const 0))
          (local.get $z) (v128.load offset=3536 (i32.const 0))))
        (local.set $c (f32x4.relaxed_madd (local.get $c) (local.get $z)
          (v128.load offset=3552 (i32.const 0))))
        (local.set $c (f32x4.mul (local.get $c) (local.get $z)))
        (local.set $c (f32x4.relaxed_madd (local.get $c) (local.get $z)
          (f32x4.neg (f32x4.mul (local.get $z) (v128.load offset=3568 (i32.const 0))))))
        (local.set $c (f32x4.add (local.get $c) (v128.load offset=3184 (i32.const 0))))
        ;; s = fma(S0, z, S1); s = fma(s, z, S2); s = s·z; s = fma(s, r, r)
        (local.set $s (f32x4.relaxed_madd (v128.load offset=3584 (i32.const 0))
          (local.get $z) (v128.load offset=3600 (i32.const 0))))
        (local.set $s (f32x4.relaxed_madd (local.get $s) (local.get $z)
          (v128.load offset=3616 (i32.const 0))))
        (local.set $s (f32x4.mul (local.get $s) (local.get $z)))
        (local.set $s (f32x4.relaxed_madd (local.get $s) (local.get $r) (local.get $r)))
        ;; (sin, cos) = (j & 2) ? (c, s) : (s, c); sin negated if j & 4; cos if ~(j − 2) & 4
        (local.set $swap (i32x4.shr_s (i32x4.shl (local.get $j) (i32.const 30)) (i32.const 31)))
        (local.set $sin
          (v128.xor (v128.bitselect (local.get $c) (local.get $s) (local.get $swap))
            (i32x4.shl (v128.and (local.get $j) (v128.load offset=3632 (i32.const 0))) (i32.const 29))))
        (local.set $cos
          (v128.xor (v128.bitselect (local.get $s) (local.get $c) (local.get $swap))
            (i32x4.shl
              (v128.and (v128.not (i32x4.sub (local.get $j) (v128.load offset=3648 (i32.const 0)))) (v128.load offset=3632 (i32.const 0)))
              (i32.const 29))))

        ;; ---- out[j] = fma(f32(radius·cos), S, M), out[j+8] = fma(f32(radius·sin), S, M)
        (v128.store (local.get $q)
          (f32x4.relaxed_madd (f32x4.mul (local.get $rad) (local.get $cos)) (local.get $S) (local.get $M)))
        (v128.store offset=32 (local.get $q)
          (f32x4.relaxed_madd (f32x4.mul (local.get $rad) (local.get $sin)) (local.get $S) (local.get $M)))

        ;; next group: +16 bytes within a block, then skip the block's second half (+32)
        (local.set $q (i32.add (local.get $q) (i32.const 16)))
        (if (i32.eqz (i32.and (i32.sub (local.get $q) (local.get $dst)) (i32.const 16)))
          (then (local.set $q (i32.add (local.get $q) (i32.const 32)))))
        (br $group))))
)
