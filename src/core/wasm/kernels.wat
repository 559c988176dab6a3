;; Hand-written WebAssembly (SIMD128) kernels for torch's CPU generator (torch-parity §2, §3.1–§3.3).
;; tools/build-wasm.mjs compiles this file into src/core/wasm/kernels-wasm.ts (committed, generated).
;;
;; They reproduce the JS reference kernels bit for bit (src/core/rng/mt19937.ts fillU32,
;; src/core/kernels/uniform.ts, src/core/kernels/normal32.ts). The rules that make that hold:
;;  * every JS `fr(a*b + c)` (binary64 product and sum, one rounding to binary32) is done here
;;    with the same binary64 operations in f64x2 lanes, then f32x4.demote_f64x2_zero;
;;  * a JS `fr(a op b)` of two binary32 values (op one of + − × ÷ or a sqrt) uses the f32x4 op:
;;    53 ≥ 2·24 + 2, so rounding to binary64 first and then to binary32 is innocuous (Figueroa);
;;  * fma32 (src/core/rng/fma.ts) is done in f64x2 with its midpoint detection and TwoSum fix-up
;;    ($fma2), or as a plain demote when the caller knows that every sum is exact in binary64. In
;;    the midpoint tests a binary32 overflow (±∞) counts as ±2^128 (min/max clamps), so that
;;    FLT_MAX is its other neighbour, as in fma32.
;;
;; Memory (fixed, never grows, so JS views stay valid):
;;   [0, 2496)     mt19937 state, 624 words (the generator's state while a bulk call runs)
;;   [2496, 2500)  word 624: a copy of the NEW state[0] during a twist (so 4-lane loads can wrap)
;;   [2512, 2524)  words 628–630: left, next (TorchGenerator's fields) and twisted (set to 1 by
;;                 every twist, so the caller knows to copy the state words back)
;;   [2528, 2592)  the 4-lane constants of the twist and the tempering, stored by $constants at
;;                 instantiation: V8 rebuilds a v128.const inside a loop from two general
;;                 registers every iteration (3 instructions); a load is one
;;   [3072, 4096)  the constants of fused.wat (which imports this memory)
;;   [4096, ...)   the output buffer (words, then float32 results, in place)
(module
  (memory (export "mem") 5)

  (func $constants
    (v128.store (i32.const 2528) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))
    (v128.store (i32.const 2544) (v128.const i32x4 0x9908b0df 0x9908b0df 0x9908b0df 0x9908b0df))
    (v128.store (i32.const 2560) (v128.const i32x4 0x9d2c5680 0x9d2c5680 0x9d2c5680 0x9d2c5680))
    (v128.store (i32.const 2576) (v128.const i32x4 0xefc60000 0xefc60000 0xefc60000 0xefc60000)))
  (start $constants)

  ;; Regenerate the 624 state words (MT19937, N=624, M=397), 4 words per step.
  ;; Step kk (4 lanes kk..kk+3) reads state[kk..kk+4] before writing state[kk..kk+3]; the
  ;; partner word is state[kk+397] (old) for kk < 227 and state[kk−227] (already new) after.
  ;; The straddling step kk=224 reads partners 621..624 and the last step reads state[624] as its
  ;; "kk+1" word: word 624 holds the new state[0], as the scalar recurrence wants.
  (func $twist
    (local $p i32) (local $b v128) (local $y v128)
    (local.set $p (i32.const 0))
    (loop $phase1 ;; kk = 0, 4, …, 224 (byte offset p = 4·kk < 912), partner at p + 4·397
      (local.set $b (v128.load offset=4 (local.get $p)))
      (local.set $y
        (v128.bitselect (v128.load (local.get $p)) (local.get $b)
          (v128.load (i32.const 2528))))
      (v128.store (local.get $p)
        (v128.xor
          (v128.xor (v128.load offset=1588 (local.get $p)) (i32x4.shr_u (local.get $y) (i32.const 1)))
          (v128.and (i32x4.shr_s (i32x4.shl (local.get $b) (i32.const 31)) (i32.const 31))
            (v128.load (i32.const 2544)))))
      (i32.store offset=2496 (i32.const 0) (i32.load (i32.const 0)))
      (br_if $phase1 (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 16))) (i32.const 912))))
    (loop $phase2 ;; kk = 228, …, 620, partner at p − 4·227
      (local.set $b (v128.load offset=4 (local.get $p)))
      (local.set $y
        (v128.bitselect (v128.load (local.get $p)) (local.get $b)
          (v128.load (i32.const 2528))))
      (v128.store (local.get $p)
        (v128.xor
          (v128.xor (v128.load (i32.sub (local.get $p) (i32.const 908))) (i32x4.shr_u (local.get $y) (i32.const 1)))
          (v128.and (i32x4.shr_s (i32x4.shl (local.get $b) (i32.const 31)) (i32.const 31))
            (v128.load (i32.const 2544)))))
      (br_if $phase2 (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 16))) (i32.const 2496))))
    (i32.store (i32.const 2520) (i32.const 1)))

  ;; n tempered words to dst (byte address), exactly as TorchGenerator.fillU32: the same words
  ;; and the same final left/next/state.
  (func $fill_words (export "fill_words") (param $dst i32) (param $n i32)
    (local $take i32) (local $src i32) (local $end i32) (local $v v128) (local $y i32)
    (local $left i32) (local $next i32)
    (local.set $left (i32.load (i32.const 2512)))
    (local.set $next (i32.load (i32.const 2516)))
    (block $done
      (loop $outer
        (br_if $done (i32.le_s (local.get $n) (i32.const 0)))
        (if (i32.eq (local.get $left) (i32.const 1))
          (then
            (call $twist)
            (local.set $left (i32.const 625))
            (local.set $next (i32.const 0))))
        (local.set $take (i32.sub (local.get $left) (i32.const 1)))
        (if (i32.gt_s (local.get $take) (local.get $n))
          (then (local.set $take (local.get $n))))
        (local.set $src (i32.shl (local.get $next) (i32.const 2)))
        (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $take) (i32.const 2))))
        (block $vdone
          (loop $vloop
            (br_if $vdone (i32.gt_u (i32.add (local.get $dst) (i32.const 16)) (local.get $end)))
            (local.set $v (v128.load (local.get $src)))
            (local.set $v (v128.xor (local.get $v) (i32x4.shr_u (local.get $v) (i32.const 11))))
            (local.set $v (v128.xor (local.get $v)
              (v128.and (i32x4.shl (local.get $v) (i32.const 7))
                (v128.load (i32.const 2560)))))
            (local.set $v (v128.xor (local.get $v)
              (v128.and (i32x4.shl (local.get $v) (i32.const 15))
                (v128.load (i32.const 2576)))))
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
    (i32.store (i32.const 2512) (local.get $left))
    (i32.store (i32.const 2516) (local.get $next)))

  ;; Advance the stream by n words without producing them (TorchGenerator.skip): only the twists
  ;; run (no tempering, no stores), the same final left/next/state as fill_words.
  (func (export "skip_words") (param $n i32)
    (local $take i32) (local $left i32) (local $next i32)
    (local.set $left (i32.load (i32.const 2512)))
    (local.set $next (i32.load (i32.const 2516)))
    (block $done
      (loop $outer
        (br_if $done (i32.le_s (local.get $n) (i32.const 0)))
        (if (i32.eq (local.get $left) (i32.const 1))
          (then
            (call $twist)
            (local.set $left (i32.const 625))
            (local.set $next (i32.const 0))))
        (local.set $take (i32.sub (local.get $left) (i32.const 1)))
        (if (i32.gt_s (local.get $take) (local.get $n))
          (then (local.set $take (local.get $n))))
        (local.set $next (i32.add (local.get $next) (local.get $take)))
        (local.set $left (i32.sub (local.get $left) (local.get $take)))
        (local.set $n (i32.sub (local.get $n) (local.get $take)))
        (br $outer)))
    (i32.store (i32.const 2512) (local.get $left))
    (i32.store (i32.const 2516) (local.get $next)))

  ;; Jump ahead (tools/gen-mt-jumps.mjs): state := g(A)·state for the jump polynomial g at byte
  ;; address $poly (624 words, bit i = coefficient of x^i, degree < 19937), A one word step, by
  ;; Horner's rule: acc := A·acc, then acc ^= state where g has a 1. acc is a circular window
  ;; at [4096, 6592) whose oldest word sits at byte offset $h; the state (head 0) must be a
  ;; twisted block. left/next are untouched: the same place in a later block.
  (func (export "jump_state") (param $poly i32)
    (local $i i32) (local $h i32) (local $h1 i32) (local $hm i32) (local $y i32)
    (local $p i32) (local $q i32) (local $end i32)
    ;; acc = 0
    (local.set $p (i32.const 4096))
    (loop $zero
      (v128.store (local.get $p) (v128.const i32x4 0 0 0 0))
      (br_if $zero (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 16))) (i32.const 6592))))
    (local.set $i (i32.const 19936))
    (loop $horner
      ;; acc := A·acc (one word step on the window)
      (local.set $h1 (i32.add (local.get $h) (i32.const 4)))
      (if (i32.eq (local.get $h1) (i32.const 2496)) (then (local.set $h1 (i32.const 0))))
      (local.set $hm (i32.add (local.get $h) (i32.const 1588)))
      (if (i32.ge_u (local.get $hm) (i32.const 2496)) (then (local.set $hm (i32.sub (local.get $hm) (i32.const 2496)))))
      (local.set $y
        (i32.or (i32.and (i32.load offset=4096 (local.get $h)) (i32.const 0x80000000))
          (i32.and (i32.load offset=4096 (local.get $h1)) (i32.const 0x7fffffff))))
      (i32.store offset=4096 (local.get $h)
        (i32.xor (i32.xor (i32.load offset=4096 (local.get $hm)) (i32.shr_u (local.get $y) (i32.const 1)))
          (i32.and (i32.sub (i32.const 0) (i32.and (local.get $y) (i32.const 1))) (i32.const 0x9908b0df))))
      (local.set $h (local.get $h1))
      ;; where g has a 1: acc[(h + j) mod 624] ^= state[j]
      (if (i32.and (i32.shr_u (i32.load (i32.add (local.get $poly) (i32.shl (i32.shr_u (local.get $i) (i32.const 5)) (i32.const 2))))
                     (i32.and (local.get $i) (i32.const 31))) (i32.const 1))
        (then
          ;; acc[h, 2496) ^= state[0, 2496 − h); then acc[0, h) ^= state[2496 − h, 2496)
          (local.set $p (i32.add (i32.const 4096) (local.get $h)))
          (local.set $q (i32.const 0))
          (local.set $end (i32.const 6592))
          (block $d1 (loop $v1
            (br_if $d1 (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
            (v128.store (local.get $p) (v128.xor (v128.load (local.get $p)) (v128.load (local.get $q))))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (local.set $q (i32.add (local.get $q) (i32.const 16)))
            (br $v1)))
          (block $d2 (loop $s1
            (br_if $d2 (i32.ge_u (local.get $p) (local.get $end)))
            (i32.store (local.get $p) (i32.xor (i32.load (local.get $p)) (i32.load (local.get $q))))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (local.set $q (i32.add (local.get $q) (i32.const 4)))
            (br $s1)))
          (local.set $p (i32.const 4096))
          (local.set $end (i32.add (i32.const 4096) (local.get $h)))
          (block $d3 (loop $v2
            (br_if $d3 (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
            (v128.store (local.get $p) (v128.xor (v128.load (local.get $p)) (v128.load (local.get $q))))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (local.set $q (i32.add (local.get $q) (i32.const 16)))
            (br $v2)))
          (block $d4 (loop $s2
            (br_if $d4 (i32.ge_u (local.get $p) (local.get $end)))
            (i32.store (local.get $p) (i32.xor (i32.load (local.get $p)) (i32.load (local.get $q))))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (local.set $q (i32.add (local.get $q) (i32.const 4)))
            (br $s2)))))
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (br_if $horner (i32.ge_s (local.get $i) (i32.const 0))))
    ;; state[j] = acc[(h + j) mod 624]
    (local.set $p (i32.add (i32.const 4096) (local.get $h)))
    (local.set $q (i32.const 0))
    (block $c1 (loop $w1
      (br_if $c1 (i32.ge_u (local.get $p) (i32.const 6592)))
      (i32.store (local.get $q) (i32.load (local.get $p)))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (local.set $q (i32.add (local.get $q) (i32.const 4)))
      (br $w1)))
    (local.set $p (i32.const 4096))
    (block $c2 (loop $w2
      (br_if $c2 (i32.ge_u (local.get $p) (i32.add (i32.const 4096) (local.get $h))))
      (i32.store (local.get $q) (i32.load (local.get $p)))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (local.set $q (i32.add (local.get $q) (i32.const 4)))
      (br $w2)))
    (i32.store (i32.const 2520) (i32.const 1)))

  ;; fma32 of src/core/rng/fma.ts on two lanes: p = a·b (exact in binary64), c; returns the
  ;; binary32 results in lanes 0–1. s = p + c; r = f32(s); if s ≠ r and t = 2s − r is a binary32
  ;; (s was a binary32 midpoint), the TwoSum error e picks max(r, t) (e > 0) or min(r, t) (e < 0).
  (func $fma2 (param $p v128) (param $c v128) (result v128)
    (local $s v128) (local $d v128) (local $r v128) (local $t v128) (local $mid v128)
    (local $bb v128) (local $e v128)
    (local.set $s (f64x2.add (local.get $p) (local.get $c)))
    (local.set $d (f32x4.demote_f64x2_zero (local.get $s)))
    ;; an overflow counts as ±2^128 (the next binade), so FLT_MAX is its other neighbour
    (local.set $r (f64x2.min (f64x2.max (f64x2.promote_low_f32x4 (local.get $d))
      (v128.const f64x2 -0x1p128 -0x1p128)) (v128.const f64x2 0x1p128 0x1p128)))
    (local.set $t (f64x2.sub (f64x2.add (local.get $s) (local.get $s)) (local.get $r)))
    (local.set $mid
      (v128.and
        (f64x2.ne (local.get $s) (local.get $r))
        (f64x2.eq (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $t))) (local.get $t))))
    (if (i32.eqz (v128.any_true (local.get $mid)))
      (then (return (local.get $d))))
    (local.set $bb (f64x2.sub (local.get $s) (local.get $p)))
    (local.set $e
      (f64x2.add
        (f64x2.sub (local.get $p) (f64x2.sub (local.get $s) (local.get $bb)))
        (f64x2.sub (local.get $c) (local.get $bb))))
    (local.set $mid (v128.and (local.get $mid) (f64x2.ne (local.get $e) (v128.const f64x2 0 0))))
    (f32x4.demote_f64x2_zero
      (v128.bitselect
        (v128.bitselect
          (f64x2.max (local.get $r) (local.get $t))
          (f64x2.min (local.get $r) (local.get $t))
          (f64x2.gt (local.get $e) (v128.const f64x2 0 0)))
        (local.get $r)
        (local.get $mid))))

  ;; float32 uniform_: n words to dst, then in place out = fma32(x, R, F) with x = (w & 0xFFFFFF)·2^-24.
  ;; rs = R·2^-24 (exact), so p = (w & 0xFFFFFF)·rs = x·R exactly. exact ≠ 0: the caller proved that
  ;; every x·R + F is exact in binary64, where fma32 is one demote. Processes whole 4-lane groups
  ;; (up to 3 lanes past n: the buffer has room, the caller copies n).
  (func (export "uniform_f32") (param $dst i32) (param $n i32) (param $rs f64) (param $f f64) (param $exact i32)
    (call $fill_words (local.get $dst) (local.get $n))
    (call $uniform_f32_words (local.get $dst) (local.get $n) (local.get $rs) (local.get $f) (local.get $exact)))

  ;; The transform alone, on n words already at dst (tests feed chosen words).
  (func $uniform_f32_words (export "uniform_f32_words") (param $dst i32) (param $n i32) (param $rs f64) (param $f f64) (param $exact i32)
    (local $p i32) (local $end i32) (local $k v128) (local $R v128) (local $F v128)
    (local $pl v128) (local $ph v128) (local $sl v128) (local $sh v128) (local $dl v128) (local $dh v128) (local $t v128) (local $bb v128) (local $ml v128) (local $mh v128)
    (local.set $R (f64x2.splat (local.get $rs)))
    (local.set $F (f64x2.splat (local.get $f)))
    (local.set $p (local.get $dst))
    (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $k (v128.and (v128.load (local.get $p)) (v128.const i32x4 0x00ffffff 0x00ffffff 0x00ffffff 0x00ffffff)))
        (local.set $pl (f64x2.mul (f64x2.convert_low_i32x4_s (local.get $k)) (local.get $R)))
        (local.set $ph (f64x2.mul
          (f64x2.convert_low_i32x4_s (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $k) (local.get $k)))
          (local.get $R)))
        (local.set $sl (f64x2.add (local.get $pl) (local.get $F)))
        (local.set $sh (f64x2.add (local.get $ph) (local.get $F)))
        (local.set $dl (f32x4.demote_f64x2_zero (local.get $sl)))
        (local.set $dh (f32x4.demote_f64x2_zero (local.get $sh)))
        (if (i32.eqz (local.get $exact))
          (then
            ;; fma32 needs its fix-up only where s is a binary32 midpoint (t = 2s − f32(s) is a
            ;; binary32, s ≠ f32(s)) AND the binary64 sum was inexact (TwoSum error ≠ 0); exact
            ;; midpoints are common (e.g. mean 0.5), inexact ones rare: those lanes take $fma2.
            (local.set $ml (v128.and (f64x2.ne (local.get $sl) (f64x2.promote_low_f32x4 (local.get $dl)))
                      (f64x2.eq (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
                                  (local.tee $t (f64x2.sub (f64x2.add (local.get $sl) (local.get $sl)) (f64x2.min (f64x2.max (f64x2.promote_low_f32x4 (local.get $dl)) (v128.const f64x2 -0x1p128 -0x1p128)) (v128.const f64x2 0x1p128 0x1p128))))))
                                (local.get $t))))
            (local.set $mh (v128.and (f64x2.ne (local.get $sh) (f64x2.promote_low_f32x4 (local.get $dh)))
                      (f64x2.eq (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
                                  (local.tee $t (f64x2.sub (f64x2.add (local.get $sh) (local.get $sh)) (f64x2.min (f64x2.max (f64x2.promote_low_f32x4 (local.get $dh)) (v128.const f64x2 -0x1p128 -0x1p128)) (v128.const f64x2 0x1p128 0x1p128))))))
                                (local.get $t))))
            (if (v128.any_true (v128.or (local.get $ml) (local.get $mh)))
              (then
                (local.set $ml (v128.and (local.get $ml) (f64x2.ne (v128.const f64x2 0 0)
                          (f64x2.add (f64x2.sub (local.get $pl) (f64x2.sub (local.get $sl) (local.tee $bb (f64x2.sub (local.get $sl) (local.get $pl)))))
                                     (f64x2.sub (local.get $F) (local.get $bb))))))
                (local.set $mh (v128.and (local.get $mh) (f64x2.ne (v128.const f64x2 0 0)
                          (f64x2.add (f64x2.sub (local.get $ph) (f64x2.sub (local.get $sh) (local.tee $bb (f64x2.sub (local.get $sh) (local.get $ph)))))
                                     (f64x2.sub (local.get $F) (local.get $bb))))))
                (if (v128.any_true (v128.or (local.get $ml) (local.get $mh)))
                  (then
                    (local.set $dl (call $fma2 (local.get $pl) (local.get $F)))
                    (local.set $dh (call $fma2 (local.get $ph) (local.get $F)))))))))
        (v128.store (local.get $p)
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $dl) (local.get $dh)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $l))))

  ;; float32 normal_fill blocks (n a multiple of 16): n words to dst, then every 16-word block is
  ;; transformed in place as block32 of src/core/kernels/normal32.ts: lanes j = 0..3 and 4..7 of a
  ;; block run as two 4-lane groups (u1 from word j, u2 from word j+8; cos part to j, sin to j+8).
  ;; exact ≠ 0: the caller knows p·S + M is exact in binary64 (M = ±0 or S = 0).
  (func (export "normal_f32") (param $dst i32) (param $n i32) (param $mean f64) (param $std f64) (param $exact i32)
    (call $fill_words (local.get $dst) (local.get $n))
    (call $normal_f32_words (local.get $dst) (local.get $n) (local.get $mean) (local.get $std) (local.get $exact)))

  ;; The transform alone, on n words already at dst (tests feed chosen words).
  (func $normal_f32_words (export "normal_f32_words") (param $dst i32) (param $n i32) (param $mean f64) (param $std f64) (param $exact i32)
    (local $q i32) (local $end i32) (local $M v128) (local $S v128)
    (local $u1 v128) (local $m v128) (local $mask v128) (local $e v128) (local $y0 v128) (local $z v128)
    (local $Y0l v128) (local $Y0h v128) (local $yl v128) (local $yh v128) (local $t v128) (local $y v128)
    (local $rad v128) (local $th v128) (local $j v128) (local $Jl v128) (local $Jh v128)
    (local $rl v128) (local $rh v128) (local $zl v128) (local $zh v128)
    (local $cl v128) (local $ch v128) (local $sl v128) (local $sh v128)
    (local $c4 v128) (local $s4 v128) (local $swap v128) (local $sin v128) (local $cos v128)
    (local $pc v128) (local $ps v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $d0 v128) (local $d1 v128) (local $d2 v128) (local $d3 v128) (local $bb v128)
    (local $m0 v128) (local $m1 v128) (local $m2 v128) (local $m3 v128)
    (local.set $M (f64x2.splat (local.get $mean)))
    (local.set $S (f64x2.splat (local.get $std)))
    (local.set $q (local.get $dst))
    (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $group
        (br_if $done (i32.ge_u (local.get $q) (local.get $end)))

        ;; ---- radius = f32(sqrt(−2·log256(u1))), u1 = 1 − U[j] = (2^24 − k)·2^-24 (exact)
        (local.set $u1
          (f32x4.mul
            (f32x4.convert_i32x4_s
              (i32x4.sub (v128.const i32x4 0x01000000 0x01000000 0x01000000 0x01000000)
                (v128.and (v128.load (local.get $q)) (v128.const i32x4 0x00ffffff 0x00ffffff 0x00ffffff 0x00ffffff))))
            (v128.const f32x4 0x1p-24 0x1p-24 0x1p-24 0x1p-24)))
        ;; m = mantissa in [0.5, 1); e = exponent + 1, minus 1 where m < SQRTHF
        (local.set $m
          (v128.or (v128.and (local.get $u1) (v128.const i32x4 0x007fffff 0x007fffff 0x007fffff 0x007fffff))
            (v128.const i32x4 0x3f000000 0x3f000000 0x3f000000 0x3f000000)))
        (local.set $mask (f32x4.lt (local.get $m) (v128.const f32x4 0x1.6a09e6p-1 0x1.6a09e6p-1 0x1.6a09e6p-1 0x1.6a09e6p-1)))
        (local.set $e
          (f32x4.convert_i32x4_s
            (i32x4.add
              (i32x4.sub (i32x4.shr_u (local.get $u1) (i32.const 23)) (v128.const i32x4 126 126 126 126))
              (local.get $mask))))
        ;; y0 = m − 1, or (m − 1) + m where m < SQRTHF (both exact)
        (local.set $y0
          (f32x4.add
            (f32x4.sub (local.get $m) (v128.const f32x4 1 1 1 1))
            (v128.and (local.get $m) (local.get $mask))))
        (local.set $z (f32x4.mul (local.get $y0) (local.get $y0)))
        (local.set $Y0l (f64x2.promote_low_f32x4 (local.get $y0)))
        (local.set $Y0h (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $y0) (local.get $y0))))
        ;; y = fr(P0·y0 + P1), then y = fr(y·y0 + Pk) for k = 2..8
        (local.set $yl (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
          (f64x2.add (f64x2.mul (v128.const f64x2 0x1.204376p-4 0x1.204376p-4) (local.get $Y0l)) (v128.const f64x2 -0x1.d7a37p-4 -0x1.d7a37p-4)))))
        (local.set $yh (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
          (f64x2.add (f64x2.mul (v128.const f64x2 0x1.204376p-4 0x1.204376p-4) (local.get $Y0h)) (v128.const f64x2 -0x1.d7a37p-4 -0x1.d7a37p-4)))))
        (local.set $yl (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
          (f64x2.add (f64x2.mul (local.get $yl) (local.get $Y0l)) (v128.const f64x2 0x1.de4a34p-4 0x1.de4a34p-4)))))
        (local.set $yh (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
          (f64x2.add (f64x2.mul (local.get $yh) (local.get $Y0h)) (v128.const f64x2 0x1.de4a34p-4 0x1.de4a34p-4)))))
        (local.set $yl (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
          (f64x2.add (f64x2.mul (local.get $yl) (local.get $Y0l)) (v128.const f64x2 -0x1.fcba9ep-4 -0x1.fcba9ep-4)))))
        (local.set $yh (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
          (f64x2.add (f64x2.mul (local.get $yh) (local.get $Y0h)) (v128.const f64x2 -0x1.fcba9ep-4 -0x1.fcba9ep-4)))))
        (local.set $yl (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
          (f64x2.add (f64x2.mul (local.get $yl) (local.get $Y0l)) (v128.const f64x2 0x1.23d37ep-3 0x1.23d37ep-3)))))
        (local.set $yh (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
          (f64x2.add (f64x2.mul (local.get $yh) (local.get $Y0h)) (v128.const f64x2 0x1.23d37ep-3 0x1.23d37ep-3)))))
        (local.set $yl (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
          (f64x2.add (f64x2.mul (local.get $yl) (local.get $Y0l)) (v128.const f64x2 -0x1.555cap-3 -0x1.555cap-3)))))
        (local.set $yh (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
          (f64x2.add (f64x2.mul (local.get $yh) (local.get $Y0h)) (v128.const f64x2 -0x1.555cap-3 -0x1.555cap-3)))))
        (local.set $yl (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
          (f64x2.add (f64x2.mul (local.get $yl) (local.get $Y0l)) (v128.const f64x2 0x1.999d58p-3 0x1.999d58p-3)))))
        (local.set $yh (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
          (f64x2.add (f64x2.mul (local.get $yh) (local.get $Y0h)) (v128.const f64x2 0x1.999d58p-3 0x1.999d58p-3)))))
        (local.set $yl (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
          (f64x2.add (f64x2.mul (local.get $yl) (local.get $Y0l)) (v128.const f64x2 -0x1.fffff8p-3 -0x1.fffff8p-3)))))
        (local.set $yh (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
          (f64x2.add (f64x2.mul (local.get $yh) (local.get $Y0h)) (v128.const f64x2 -0x1.fffff8p-3 -0x1.fffff8p-3)))))
        (local.set $yl (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
          (f64x2.add (f64x2.mul (local.get $yl) (local.get $Y0l)) (v128.const f64x2 0x1.555554p-2 0x1.555554p-2)))))
        (local.set $yh (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
          (f64x2.add (f64x2.mul (local.get $yh) (local.get $Y0h)) (v128.const f64x2 0x1.555554p-2 0x1.555554p-2)))))
        ;; y = fr(y·y0)
        (local.set $yl (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.mul (local.get $yl) (local.get $Y0l)))))
        (local.set $yh (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.mul (local.get $yh) (local.get $Y0h)))))
        ;; y = fr(y·z + fr(e·Q1))
        (local.set $t (f32x4.mul (local.get $e) (v128.const f32x4 -0x1.bd0106p-13 -0x1.bd0106p-13 -0x1.bd0106p-13 -0x1.bd0106p-13)))
        (local.set $yl (f32x4.demote_f64x2_zero
          (f64x2.add
            (f64x2.mul (local.get $yl) (f64x2.promote_low_f32x4 (local.get $z)))
            (f64x2.promote_low_f32x4 (local.get $t)))))
        (local.set $yh (f32x4.demote_f64x2_zero
          (f64x2.add
            (f64x2.mul (local.get $yh)
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $z) (local.get $z))))
            (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $t) (local.get $t))))))
        (local.set $y (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $yl) (local.get $yh)))
        ;; y = fr(z·(−0.5) + y) (z·−0.5 exact); L = fr(e·Q2 + fr(y0 + y)) (e·Q2 exact)
        (local.set $y (f32x4.add (f32x4.mul (local.get $z) (v128.const f32x4 -0.5 -0.5 -0.5 -0.5)) (local.get $y)))
        (local.set $y
          (f32x4.add
            (f32x4.mul (local.get $e) (v128.const f32x4 0x1.63p-1 0x1.63p-1 0x1.63p-1 0x1.63p-1))
            (f32x4.add (local.get $y0) (local.get $y))))
        (local.set $rad (f32x4.sqrt (f32x4.mul (local.get $y) (v128.const f32x4 -2 -2 -2 -2))))

        ;; ---- θ = f32(f32(2π)·u2), u2 = U[j+8]; sincos256(θ)
        (local.set $th
          (f32x4.mul (v128.const f32x4 0x1.921fb6p+2 0x1.921fb6p+2 0x1.921fb6p+2 0x1.921fb6p+2)
            (f32x4.mul
              (f32x4.convert_i32x4_s
                (v128.and (v128.load offset=32 (local.get $q)) (v128.const i32x4 0x00ffffff 0x00ffffff 0x00ffffff 0x00ffffff)))
              (v128.const f32x4 0x1p-24 0x1p-24 0x1p-24 0x1p-24))))
        ;; j = (trunc(f32(θ·FOPI)) + 1) & ~1
        (local.set $j
          (v128.and
            (i32x4.add
              (i32x4.trunc_sat_f32x4_s
                (f32x4.mul (local.get $th) (v128.const f32x4 0x1.45f306p+0 0x1.45f306p+0 0x1.45f306p+0 0x1.45f306p+0)))
              (v128.const i32x4 1 1 1 1))
            (v128.const i32x4 -2 -2 -2 -2)))
        (local.set $Jl (f64x2.convert_low_i32x4_s (local.get $j)))
        (local.set $Jh (f64x2.convert_low_i32x4_s
          (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $j) (local.get $j))))
        ;; r = fr(j·DP1 + θ); r = fr(j·DP2 + r); r = fr(j·DP3 + r)
        (local.set $rl (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
          (f64x2.add (f64x2.mul (local.get $Jl) (v128.const f64x2 -0x1.92p-1 -0x1.92p-1)) (f64x2.promote_low_f32x4 (local.get $th))))))
        (local.set $rh (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
          (f64x2.add (f64x2.mul (local.get $Jh) (v128.const f64x2 -0x1.92p-1 -0x1.92p-1))
            (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $th) (local.get $th)))))))
        (local.set $rl (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
          (f64x2.add (f64x2.mul (local.get $Jl) (v128.const f64x2 -0x1.fb4p-13 -0x1.fb4p-13)) (local.get $rl)))))
        (local.set $rh (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
          (f64x2.add (f64x2.mul (local.get $Jh) (v128.const f64x2 -0x1.fb4p-13 -0x1.fb4p-13)) (local.get $rh)))))
        (local.set $rl (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
          (f64x2.add (f64x2.mul (local.get $Jl) (v128.const f64x2 -0x1.4442d2p-25 -0x1.4442d2p-25)) (local.get $rl)))))
        (local.set $rh (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
          (f64x2.add (f64x2.mul (local.get $Jh) (v128.const f64x2 -0x1.4442d2p-25 -0x1.4442d2p-25)) (local.get $rh)))))
        ;; z = fr(r·r)
        (local.set $zl (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.mul (local.get $rl) (local.get $rl)))))
        (local.set $zh (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.mul (local.get $rh) (local.get $rh)))))
        ;; c = fr(C0·z + C1); c = fr(c·z + C2); c = fr(c·z); c = fr(c·z − fr(z·0.5)) (+ 1 below)
        (local.set $cl (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
          (f64x2.add (f64x2.mul (v128.const f64x2 0x1.99eb9cp-16 0x1.99eb9cp-16) (local.get $zl)) (v128.const f64x2 -0x1.6c0c34p-10 -0x1.6c0c34p-10)))))
        (local.set $ch (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
          (f64x2.add (f64x2.mul (v128.const f64x2 0x1.99eb9cp-16 0x1.99eb9cp-16) (local.get $zh)) (v128.const f64x2 -0x1.6c0c34p-10 -0x1.6c0c34p-10)))))
        (local.set $cl (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
          (f64x2.add (f64x2.mul (local.get $cl) (local.get $zl)) (v128.const f64x2 0x1.55554ap-5 0x1.55554ap-5)))))
        (local.set $ch (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
          (f64x2.add (f64x2.mul (local.get $ch) (local.get $zh)) (v128.const f64x2 0x1.55554ap-5 0x1.55554ap-5)))))
        (local.set $cl (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.mul (local.get $cl) (local.get $zl)))))
        (local.set $ch (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.mul (local.get $ch) (local.get $zh)))))
        (local.set $cl (f32x4.demote_f64x2_zero
          (f64x2.sub (f64x2.mul (local.get $cl) (local.get $zl))
            (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.mul (local.get $zl) (v128.const f64x2 0.5 0.5)))))))
        (local.set $ch (f32x4.demote_f64x2_zero
          (f64x2.sub (f64x2.mul (local.get $ch) (local.get $zh))
            (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.mul (local.get $zh) (v128.const f64x2 0.5 0.5)))))))
        (local.set $c4
          (f32x4.add (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $cl) (local.get $ch))
            (v128.const f32x4 1 1 1 1)))
        ;; s = fr(S0·z + S1); s = fr(s·z + S2); s = fr(s·z); s = fr(s·r + r)
        (local.set $sl (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
          (f64x2.add (f64x2.mul (v128.const f64x2 -0x1.9943f2p-13 -0x1.9943f2p-13) (local.get $zl)) (v128.const f64x2 0x1.11073cp-7 0x1.11073cp-7)))))
        (local.set $sh (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
          (f64x2.add (f64x2.mul (v128.const f64x2 -0x1.9943f2p-13 -0x1.9943f2p-13) (local.get $zh)) (v128.const f64x2 0x1.11073cp-7 0x1.11073cp-7)))))
        (local.set $sl (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
          (f64x2.add (f64x2.mul (local.get $sl) (local.get $zl)) (v128.const f64x2 -0x1.555546p-3 -0x1.555546p-3)))))
        (local.set $sh (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
          (f64x2.add (f64x2.mul (local.get $sh) (local.get $zh)) (v128.const f64x2 -0x1.555546p-3 -0x1.555546p-3)))))
        (local.set $sl (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.mul (local.get $sl) (local.get $zl)))))
        (local.set $sh (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.mul (local.get $sh) (local.get $zh)))))
        (local.set $sl (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (local.get $sl) (local.get $rl)) (local.get $rl))))
        (local.set $sh (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (local.get $sh) (local.get $rh)) (local.get $rh))))
        (local.set $s4 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $sl) (local.get $sh)))
        ;; (sin, cos) = (j & 2) ? (c, s) : (s, c); sin negated if j & 4; cos if ~(j − 2) & 4
        (local.set $swap (i32x4.shr_s (i32x4.shl (local.get $j) (i32.const 30)) (i32.const 31)))
        (local.set $sin
          (v128.xor (v128.bitselect (local.get $c4) (local.get $s4) (local.get $swap))
            (i32x4.shl (v128.and (local.get $j) (v128.const i32x4 4 4 4 4)) (i32.const 29))))
        (local.set $cos
          (v128.xor (v128.bitselect (local.get $s4) (local.get $c4) (local.get $swap))
            (i32x4.shl
              (v128.and (v128.not (i32x4.sub (local.get $j) (v128.const i32x4 2 2 2 2))) (v128.const i32x4 4 4 4 4))
              (i32.const 29))))

        ;; ---- out[j] = fma32(f32(radius·cos), S, M), out[j+8] = fma32(f32(radius·sin), S, M)
        (local.set $pc (f32x4.mul (local.get $rad) (local.get $cos)))
        (local.set $ps (f32x4.mul (local.get $rad) (local.get $sin)))
        (local.set $a0 (f64x2.mul (f64x2.promote_low_f32x4 (local.get $pc)) (local.get $S)))
        (local.set $a1 (f64x2.mul
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $pc) (local.get $pc)))
          (local.get $S)))
        (local.set $a2 (f64x2.mul (f64x2.promote_low_f32x4 (local.get $ps)) (local.get $S)))
        (local.set $a3 (f64x2.mul
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $ps) (local.get $ps)))
          (local.get $S)))
        (local.set $s0 (f64x2.add (local.get $a0) (local.get $M)))
        (local.set $s1 (f64x2.add (local.get $a1) (local.get $M)))
        (local.set $s2 (f64x2.add (local.get $a2) (local.get $M)))
        (local.set $s3 (f64x2.add (local.get $a3) (local.get $M)))
        (local.set $d0 (f32x4.demote_f64x2_zero (local.get $s0)))
        (local.set $d1 (f32x4.demote_f64x2_zero (local.get $s1)))
        (local.set $d2 (f32x4.demote_f64x2_zero (local.get $s2)))
        (local.set $d3 (f32x4.demote_f64x2_zero (local.get $s3)))
        (if (i32.eqz (local.get $exact))
          (then
            ;; fma32 needs its fix-up only where s is a binary32 midpoint (t = 2s − f32(s) is a
            ;; binary32, s ≠ f32(s)) AND the binary64 sum was inexact (TwoSum error ≠ 0); exact
            ;; midpoints are common (e.g. mean 0.5), inexact ones rare: those lanes take $fma2.
            (local.set $m0 (v128.and (f64x2.ne (local.get $s0) (f64x2.promote_low_f32x4 (local.get $d0)))
                      (f64x2.eq (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
                                  (local.tee $t (f64x2.sub (f64x2.add (local.get $s0) (local.get $s0)) (f64x2.min (f64x2.max (f64x2.promote_low_f32x4 (local.get $d0)) (v128.const f64x2 -0x1p128 -0x1p128)) (v128.const f64x2 0x1p128 0x1p128))))))
                                (local.get $t))))
            (local.set $m1 (v128.and (f64x2.ne (local.get $s1) (f64x2.promote_low_f32x4 (local.get $d1)))
                      (f64x2.eq (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
                                  (local.tee $t (f64x2.sub (f64x2.add (local.get $s1) (local.get $s1)) (f64x2.min (f64x2.max (f64x2.promote_low_f32x4 (local.get $d1)) (v128.const f64x2 -0x1p128 -0x1p128)) (v128.const f64x2 0x1p128 0x1p128))))))
                                (local.get $t))))
            (local.set $m2 (v128.and (f64x2.ne (local.get $s2) (f64x2.promote_low_f32x4 (local.get $d2)))
                      (f64x2.eq (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
                                  (local.tee $t (f64x2.sub (f64x2.add (local.get $s2) (local.get $s2)) (f64x2.min (f64x2.max (f64x2.promote_low_f32x4 (local.get $d2)) (v128.const f64x2 -0x1p128 -0x1p128)) (v128.const f64x2 0x1p128 0x1p128))))))
                                (local.get $t))))
            (local.set $m3 (v128.and (f64x2.ne (local.get $s3) (f64x2.promote_low_f32x4 (local.get $d3)))
                      (f64x2.eq (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
                                  (local.tee $t (f64x2.sub (f64x2.add (local.get $s3) (local.get $s3)) (f64x2.min (f64x2.max (f64x2.promote_low_f32x4 (local.get $d3)) (v128.const f64x2 -0x1p128 -0x1p128)) (v128.const f64x2 0x1p128 0x1p128))))))
                                (local.get $t))))
            (if (v128.any_true (v128.or (v128.or (local.get $m0) (local.get $m1)) (v128.or (local.get $m2) (local.get $m3))))
              (then
                (local.set $m0 (v128.and (local.get $m0) (f64x2.ne (v128.const f64x2 0 0)
                          (f64x2.add (f64x2.sub (local.get $a0) (f64x2.sub (local.get $s0) (local.tee $bb (f64x2.sub (local.get $s0) (local.get $a0)))))
                                     (f64x2.sub (local.get $M) (local.get $bb))))))
                (local.set $m1 (v128.and (local.get $m1) (f64x2.ne (v128.const f64x2 0 0)
                          (f64x2.add (f64x2.sub (local.get $a1) (f64x2.sub (local.get $s1) (local.tee $bb (f64x2.sub (local.get $s1) (local.get $a1)))))
                                     (f64x2.sub (local.get $M) (local.get $bb))))))
                (local.set $m2 (v128.and (local.get $m2) (f64x2.ne (v128.const f64x2 0 0)
                          (f64x2.add (f64x2.sub (local.get $a2) (f64x2.sub (local.get $s2) (local.tee $bb (f64x2.sub (local.get $s2) (local.get $a2)))))
                                     (f64x2.sub (local.get $M) (local.get $bb))))))
                (local.set $m3 (v128.and (local.get $m3) (f64x2.ne (v128.const f64x2 0 0)
                          (f64x2.add (f64x2.sub (local.get $a3) (f64x2.sub (local.get $s3) (local.tee $bb (f64x2.sub (local.get $s3) (local.get $a3)))))
                                     (f64x2.sub (local.get $M) (local.get $bb))))))
                (if (v128.any_true (v128.or (v128.or (local.get $m0) (local.get $m1)) (v128.or (local.get $m2) (local.get $m3))))
                  (then
                    (local.set $d0 (call $fma2 (local.get $a0) (local.get $M)))
                    (local.set $d1 (call $fma2 (local.get $a1) (local.get $M)))
                    (local.set $d2 (call $fma2 (local.get $a2) (local.get $M)))
                    (local.set $d3 (call $fma2 (local.get $a3) (local.get $M)))))))))
        (v128.store (local.get $q)
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $d0) (local.get $d1)))
        (v128.store offset=32 (local.get $q)
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $d2) (local.get $d3)))

        ;; next group: +16 bytes within a block, then skip the block's second half (+32)
        (local.set $q (i32.add (local.get $q) (i32.const 16)))
        (if (i32.eqz (i32.and (i32.sub (local.get $q) (local.get $dst)) (i32.const 16)))
          (then (local.set $q (i32.add (local.get $q) (i32.const 32)))))
        (br $group))))
)
