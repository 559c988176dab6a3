;; In-place float32 normal_fill on a response body that is itself a shared WebAssembly.Memory
;; (src/service/live-body.ts allocates live preset bodies so): the drawer fills the words of a
;; deferred region straight into the body and the chunk claimers transform them where they lie,
;; so no bytes are copied between the engine's memory and the body (src/worker/deferred.ts).
;; tools/build-wasm.mjs compiles this file into src/core/wasm/inplace-wasm.ts (committed, generated).
;;
;; The code is kernels.wat's $twist and fill_words and fused.wat's transform with every fixed
;; address made relative: the body's scratch tail starts at the imported global $base:
;;   [base, base + 1024)        the transform's constants (fused.wat's [3072, 4096))
;;   [base + 1024, base + 1088) the twist and tempering constants (kernels.wat's [2528, 2592))
;;   [base + 4096·(1 + s), …)   state slot s: 624 words, word 624, left at +2512, next at +2516
;; The transform uses relaxed_madd, so it is used only where fused.wat is (the probe passed).
(module
  (import "k" "mem" (memory 1 65536)) ;; shared (tools/build-wasm.mjs sets the bit)
  (import "k" "base" (global $base i32))

  (func $constants
    (v128.store offset=1024 (global.get $base) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))
    (v128.store offset=1040 (global.get $base) (v128.const i32x4 0x9908b0df 0x9908b0df 0x9908b0df 0x9908b0df))
    (v128.store offset=1056 (global.get $base) (v128.const i32x4 0x9d2c5680 0x9d2c5680 0x9d2c5680 0x9d2c5680))
    (v128.store offset=1072 (global.get $base) (v128.const i32x4 0xefc60000 0xefc60000 0xefc60000 0xefc60000))
    (v128.store offset=0 (global.get $base) (v128.const i32x4 0x01000000 0x01000000 0x01000000 0x01000000))
    (v128.store offset=16 (global.get $base) (v128.const i32x4 0x00ffffff 0x00ffffff 0x00ffffff 0x00ffffff))
    (v128.store offset=32 (global.get $base) (v128.const f32x4 0x1p-24 0x1p-24 0x1p-24 0x1p-24))
    (v128.store offset=48 (global.get $base) (v128.const i32x4 0x007fffff 0x007fffff 0x007fffff 0x007fffff))
    (v128.store offset=64 (global.get $base) (v128.const i32x4 0x3f000000 0x3f000000 0x3f000000 0x3f000000))
    (v128.store offset=80 (global.get $base) (v128.const f32x4 0x1.6a09e6p-1 0x1.6a09e6p-1 0x1.6a09e6p-1 0x1.6a09e6p-1))
    (v128.store offset=96 (global.get $base) (v128.const i32x4 126 126 126 126))
    (v128.store offset=112 (global.get $base) (v128.const f32x4 1 1 1 1))
    (v128.store offset=128 (global.get $base) (v128.const f32x4 0x1.204376p-4 0x1.204376p-4 0x1.204376p-4 0x1.204376p-4))
    (v128.store offset=144 (global.get $base) (v128.const f32x4 -0x1.d7a37p-4 -0x1.d7a37p-4 -0x1.d7a37p-4 -0x1.d7a37p-4))
    (v128.store offset=160 (global.get $base) (v128.const f32x4 0x1.de4a34p-4 0x1.de4a34p-4 0x1.de4a34p-4 0x1.de4a34p-4))
    (v128.store offset=176 (global.get $base) (v128.const f32x4 -0x1.fcba9ep-4 -0x1.fcba9ep-4 -0x1.fcba9ep-4 -0x1.fcba9ep-4))
    (v128.store offset=192 (global.get $base) (v128.const f32x4 0x1.23d37ep-3 0x1.23d37ep-3 0x1.23d37ep-3 0x1.23d37ep-3))
    (v128.store offset=208 (global.get $base) (v128.const f32x4 -0x1.555cap-3 -0x1.555cap-3 -0x1.555cap-3 -0x1.555cap-3))
    (v128.store offset=224 (global.get $base) (v128.const f32x4 0x1.999d58p-3 0x1.999d58p-3 0x1.999d58p-3 0x1.999d58p-3))
    (v128.store offset=240 (global.get $base) (v128.const f32x4 -0x1.fffff8p-3 -0x1.fffff8p-3 -0x1.fffff8p-3 -0x1.fffff8p-3))
    (v128.store offset=256 (global.get $base) (v128.const f32x4 0x1.555554p-2 0x1.555554p-2 0x1.555554p-2 0x1.555554p-2))
    (v128.store offset=272 (global.get $base) (v128.const f32x4 -0x1.bd0106p-13 -0x1.bd0106p-13 -0x1.bd0106p-13 -0x1.bd0106p-13))
    (v128.store offset=288 (global.get $base) (v128.const f32x4 -0.5 -0.5 -0.5 -0.5))
    (v128.store offset=304 (global.get $base) (v128.const f32x4 0x1.63p-1 0x1.63p-1 0x1.63p-1 0x1.63p-1))
    (v128.store offset=320 (global.get $base) (v128.const f32x4 -2 -2 -2 -2))
    (v128.store offset=336 (global.get $base) (v128.const f32x4 0x1.921fb6p+2 0x1.921fb6p+2 0x1.921fb6p+2 0x1.921fb6p+2))
    (v128.store offset=352 (global.get $base) (v128.const f32x4 0x1.45f306p+0 0x1.45f306p+0 0x1.45f306p+0 0x1.45f306p+0))
    (v128.store offset=368 (global.get $base) (v128.const i32x4 1 1 1 1))
    (v128.store offset=384 (global.get $base) (v128.const i32x4 -2 -2 -2 -2))
    (v128.store offset=400 (global.get $base) (v128.const f32x4 -0x1.92p-1 -0x1.92p-1 -0x1.92p-1 -0x1.92p-1))
    (v128.store offset=416 (global.get $base) (v128.const f32x4 -0x1.fb4p-13 -0x1.fb4p-13 -0x1.fb4p-13 -0x1.fb4p-13))
    (v128.store offset=432 (global.get $base) (v128.const f32x4 -0x1.4442d2p-25 -0x1.4442d2p-25 -0x1.4442d2p-25 -0x1.4442d2p-25))
    (v128.store offset=448 (global.get $base) (v128.const f32x4 0x1.99eb9cp-16 0x1.99eb9cp-16 0x1.99eb9cp-16 0x1.99eb9cp-16))
    (v128.store offset=464 (global.get $base) (v128.const f32x4 -0x1.6c0c34p-10 -0x1.6c0c34p-10 -0x1.6c0c34p-10 -0x1.6c0c34p-10))
    (v128.store offset=480 (global.get $base) (v128.const f32x4 0x1.55554ap-5 0x1.55554ap-5 0x1.55554ap-5 0x1.55554ap-5))
    (v128.store offset=496 (global.get $base) (v128.const f32x4 0.5 0.5 0.5 0.5))
    (v128.store offset=512 (global.get $base) (v128.const f32x4 -0x1.9943f2p-13 -0x1.9943f2p-13 -0x1.9943f2p-13 -0x1.9943f2p-13))
    (v128.store offset=528 (global.get $base) (v128.const f32x4 0x1.11073cp-7 0x1.11073cp-7 0x1.11073cp-7 0x1.11073cp-7))
    (v128.store offset=544 (global.get $base) (v128.const f32x4 -0x1.555546p-3 -0x1.555546p-3 -0x1.555546p-3 -0x1.555546p-3))
    (v128.store offset=560 (global.get $base) (v128.const i32x4 4 4 4 4))
    (v128.store offset=576 (global.get $base) (v128.const i32x4 2 2 2 2)))
  (start $constants)

  (func $twist (param $st i32)
    (local $p i32) (local $b v128) (local $y v128)
    (local.set $p (local.get $st))
    (loop $phase1 ;; kk = 0, 4, …, 224 (byte offset p = 4·kk < 912), partner at p + 4·397
      (local.set $b (v128.load offset=4 (local.get $p)))
      (local.set $y
        (v128.bitselect (v128.load (local.get $p)) (local.get $b)
          (v128.load offset=1024 (global.get $base))))
      (v128.store (local.get $p)
        (v128.xor
          (v128.xor (v128.load offset=1588 (local.get $p)) (i32x4.shr_u (local.get $y) (i32.const 1)))
          (v128.and (i32x4.shr_s (i32x4.shl (local.get $b) (i32.const 31)) (i32.const 31))
            (v128.load offset=1040 (global.get $base)))))
      (i32.store offset=2496 (local.get $st) (i32.load (local.get $st)))
      (br_if $phase1 (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 16))) (i32.add (local.get $st) (i32.const 912)))))
    (loop $phase2 ;; kk = 228, …, 620, partner at p − 4·227
      (local.set $b (v128.load offset=4 (local.get $p)))
      (local.set $y
        (v128.bitselect (v128.load (local.get $p)) (local.get $b)
          (v128.load offset=1024 (global.get $base))))
      (v128.store (local.get $p)
        (v128.xor
          (v128.xor (v128.load (i32.sub (local.get $p) (i32.const 908))) (i32x4.shr_u (local.get $y) (i32.const 1)))
          (v128.and (i32x4.shr_s (i32x4.shl (local.get $b) (i32.const 31)) (i32.const 31))
            (v128.load offset=1040 (global.get $base)))))
      (br_if $phase2 (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 16))) (i32.add (local.get $st) (i32.const 2496)))))
    )

  (func (export "fill_words") (param $st i32) (param $dst i32) (param $n i32)
    (local $take i32) (local $src i32) (local $end i32) (local $v v128) (local $y i32)
    (local $left i32) (local $next i32)
    (local.set $left (i32.load offset=2512 (local.get $st)))
    (local.set $next (i32.load offset=2516 (local.get $st)))
    (block $done
      (loop $outer
        (br_if $done (i32.le_s (local.get $n) (i32.const 0)))
        (if (i32.eq (local.get $left) (i32.const 1))
          (then
            (call $twist (local.get $st))
            (local.set $left (i32.const 625))
            (local.set $next (i32.const 0))))
        (local.set $take (i32.sub (local.get $left) (i32.const 1)))
        (if (i32.gt_s (local.get $take) (local.get $n))
          (then (local.set $take (local.get $n))))
        (local.set $src (i32.add (local.get $st) (i32.shl (local.get $next) (i32.const 2))))
        (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $take) (i32.const 2))))
        (block $vdone
          (loop $vloop
            (br_if $vdone (i32.gt_u (i32.add (local.get $dst) (i32.const 16)) (local.get $end)))
            (local.set $v (v128.load (local.get $src)))
            (local.set $v (v128.xor (local.get $v) (i32x4.shr_u (local.get $v) (i32.const 11))))
            (local.set $v (v128.xor (local.get $v)
              (v128.and (i32x4.shl (local.get $v) (i32.const 7))
                (v128.load offset=1056 (global.get $base)))))
            (local.set $v (v128.xor (local.get $v)
              (v128.and (i32x4.shl (local.get $v) (i32.const 15))
                (v128.load offset=1072 (global.get $base)))))
            (local.set $v (v128.xor (local.get $v) (i32x4.shr_u (local.get $v) (i32.const 18))))
            (v128.store (local.get $dst) (local.get $v))
            (local.set $src (i32.add (local.get $src) (i32.const 16)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
            (br $vloop)))
        (block $sdone
          (loop $sloop
            (br_if $sdone (i32.ge_u (local.get $dst) (local.get $end)))
            (local.set $y (i32.load (local.get $src)))
            (local.set $y (i32.xor (local.get $y) (i32.shr_u (local.get $y) (i32.const 11))))
            (local.set $y (i32.xor (local.get $y) (i32.and (i32.shl (local.get $y) (i32.const 7)) (i32.const 0x9d2c5680))))
            (local.set $y (i32.xor (local.get $y) (i32.and (i32.shl (local.get $y) (i32.const 15)) (i32.const 0xefc60000))))
            (local.set $y (i32.xor (local.get $y) (i32.shr_u (local.get $y) (i32.const 18))))
            (i32.store (local.get $dst) (local.get $y))
            (local.set $src (i32.add (local.get $src) (i32.const 4)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
            (br $sloop)))
        (local.set $next (i32.add (local.get $next) (local.get $take)))
        (local.set $left (i32.sub (local.get $left) (local.get $take)))
        (local.set $n (i32.sub (local.get $n) (local.get $take)))
        (br $outer)))
    (i32.store offset=2512 (local.get $st) (local.get $left))
    (i32.store offset=2516 (local.get $st) (local.get $next)))

  (func (export "normal_words") (param $dst i32) (param $n i32) (param $mean f32) (param $std f32)
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
              (i32x4.sub (v128.load offset=0 (global.get $base))
                (v128.and (v128.load (local.get $q)) (v128.load offset=16 (global.get $base)))))
            (v128.load offset=32 (global.get $base))))
        ;; m = mantissa in [0.5, 1); e = exponent + 1, minus 1 where m < SQRTHF
        (local.set $m
          (v128.or (v128.and (local.get $u1) (v128.load offset=48 (global.get $base)))
            (v128.load offset=64 (global.get $base))))
        (local.set $mask (f32x4.lt (local.get $m) (v128.load offset=80 (global.get $base))))
        (local.set $e
          (f32x4.convert_i32x4_s
            (i32x4.add
              (i32x4.sub (i32x4.shr_u (local.get $u1) (i32.const 23)) (v128.load offset=96 (global.get $base)))
              (local.get $mask))))
        ;; y0 = m − 1, or (m − 1) + m where m < SQRTHF (both exact)
        (local.set $y0
          (f32x4.add
            (f32x4.sub (local.get $m) (v128.load offset=112 (global.get $base)))
            (v128.and (local.get $m) (local.get $mask))))
        (local.set $z (f32x4.mul (local.get $y0) (local.get $y0)))
        ;; y = fma(P0, y0, P1), then y = fma(y, y0, Pk) for k = 2..8
        (local.set $y (f32x4.relaxed_madd (v128.load offset=128 (global.get $base))
          (local.get $y0) (v128.load offset=144 (global.get $base))))
        (local.set $y (f32x4.relaxed_madd (local.get $y) (local.get $y0)
          (v128.load offset=160 (global.get $base))))
        (local.set $y (f32x4.relaxed_madd (local.get $y) (local.get $y0)
          (v128.load offset=176 (global.get $base))))
        (local.set $y (f32x4.relaxed_madd (local.get $y) (local.get $y0)
          (v128.load offset=192 (global.get $base))))
        (local.set $y (f32x4.relaxed_madd (local.get $y) (local.get $y0)
          (v128.load offset=208 (global.get $base))))
        (local.set $y (f32x4.relaxed_madd (local.get $y) (local.get $y0)
          (v128.load offset=224 (global.get $base))))
        (local.set $y (f32x4.relaxed_madd (local.get $y) (local.get $y0)
          (v128.load offset=240 (global.get $base))))
        (local.set $y (f32x4.relaxed_madd (local.get $y) (local.get $y0)
          (v128.load offset=256 (global.get $base))))
        ;; y = y·y0; y = fma(y, z, e·Q1)
        (local.set $y (f32x4.mul (local.get $y) (local.get $y0)))
        (local.set $y (f32x4.relaxed_madd (local.get $y) (local.get $z)
          (f32x4.mul (local.get $e) (v128.load offset=272 (global.get $base)))))
        ;; y = z·(−0.5) + y (z·−0.5 exact); L = e·Q2 + (y0 + y) (e·Q2 exact)
        (local.set $y (f32x4.add (f32x4.mul (local.get $z) (v128.load offset=288 (global.get $base))) (local.get $y)))
        (local.set $y
          (f32x4.add
            (f32x4.mul (local.get $e) (v128.load offset=304 (global.get $base)))
            (f32x4.add (local.get $y0) (local.get $y))))
        (local.set $rad (f32x4.sqrt (f32x4.mul (local.get $y) (v128.load offset=320 (global.get $base)))))

        ;; ---- θ = f32(f32(2π)·u2), u2 = U[j+8]; sincos256(θ)
        (local.set $th
          (f32x4.mul (v128.load offset=336 (global.get $base))
            (f32x4.mul
              (f32x4.convert_i32x4_s
                (v128.and (v128.load offset=32 (local.get $q)) (v128.load offset=16 (global.get $base))))
              (v128.load offset=32 (global.get $base)))))
        ;; j = (trunc(f32(θ·FOPI)) + 1) & ~1: θ·FOPI is in [0, 8], where the relaxed truncation is
        ;; exact (it differs from trunc_sat only for NaN and out-of-range lanes); j is exact as a float32
        (local.set $j
          (v128.and
            (i32x4.add
              (i32x4.relaxed_trunc_f32x4_s
                (f32x4.mul (local.get $th) (v128.load offset=352 (global.get $base))))
              (v128.load offset=368 (global.get $base)))
            (v128.load offset=384 (global.get $base))))
        (local.set $J (f32x4.convert_i32x4_s (local.get $j)))
        ;; r = fma(j, DP1, θ); r = fma(j, DP2, r); r = fma(j, DP3, r)
        (local.set $r (f32x4.relaxed_madd (local.get $J) (v128.load offset=400 (global.get $base)) (local.get $th)))
        (local.set $r (f32x4.relaxed_madd (local.get $J) (v128.load offset=416 (global.get $base)) (local.get $r)))
        (local.set $r (f32x4.relaxed_madd (local.get $J) (v128.load offset=432 (global.get $base)) (local.get $r)))
        (local.set $z (f32x4.mul (local.get $r) (local.get $r)))
        ;; c = fma(C0, z, C1); c = fma(c, z, C2); c = c·z; c = fma(c, z, −(z·0.5)); c + 1
        (local.set $c (f32x4.relaxed_madd (v128.load offset=448 (global.get $base))
          (local.get $z) (v128.load offset=464 (global.get $base))))
        (local.set $c (f32x4.relaxed_madd (local.get $c) (local.get $z)
          (v128.load offset=480 (global.get $base))))
        (local.set $c (f32x4.mul (local.get $c) (local.get $z)))
        (local.set $c (f32x4.relaxed_madd (local.get $c) (local.get $z)
          (f32x4.neg (f32x4.mul (local.get $z) (v128.load offset=496 (global.get $base))))))
        (local.set $c (f32x4.add (local.get $c) (v128.load offset=112 (global.get $base))))
        ;; s = fma(S0, z, S1); s = fma(s, z, S2); s = s·z; s = fma(s, r, r)
        (local.set $s (f32x4.relaxed_madd (v128.load offset=512 (global.get $base))
          (local.get $z) (v128.load offset=528 (global.get $base))))
        (local.set $s (f32x4.relaxed_madd (local.get $s) (local.get $z)
          (v128.load offset=544 (global.get $base))))
        (local.set $s (f32x4.mul (local.get $s) (local.get $z)))
        (local.set $s (f32x4.relaxed_madd (local.get $s) (local.get $r) (local.get $r)))
        ;; (sin, cos) = (j & 2) ? (c, s) : (s, c); sin negated if j & 4; cos if ~(j − 2) & 4
        (local.set $swap (i32x4.shr_s (i32x4.shl (local.get $j) (i32.const 30)) (i32.const 31)))
        (local.set $sin
          (v128.xor (v128.bitselect (local.get $c) (local.get $s) (local.get $swap))
            (i32x4.shl (v128.and (local.get $j) (v128.load offset=560 (global.get $base))) (i32.const 29))))
        (local.set $cos
          (v128.xor (v128.bitselect (local.get $s) (local.get $c) (local.get $swap))
            (i32x4.shl
              (v128.and (v128.not (i32x4.sub (local.get $j) (v128.load offset=576 (global.get $base)))) (v128.load offset=560 (global.get $base)))
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
