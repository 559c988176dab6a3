;; Hand-written WebAssembly (SIMD128) float32 → JSON token writer: a port of `writeFloat32` of
;; src/core/encode/floatfmt.ts (shortestF32 with pickF32 / pickF32Slow, writeDecimal,
;; writeSpecial) that must give BYTE-IDENTICAL output.
;; tools/build-wasm.mjs compiles this file into src/core/wasm/fmt-wasm.ts (committed, generated);
;; src/core/encode/fmt32-wasm.ts instantiates it (one instance per thread), fills its tables from
;; floatfmt.ts's own tables and drives it. tools/check-fmt32.mjs compares it with the JS writer
;; over all 2^32 bit patterns.
;;
;; Every f64 expression below is the JS one, operation for operation and in the same order
;; (WebAssembly f64 arithmetic is IEEE binary64 with round-to-nearest-even and no contraction,
;; as JS's is; f64x2 lanes too), so the decisions taken are the same. Where JS needs more than
;; doubles (BigInt tieSign for a near-tie, decided here only when v·10^-q is exact; a parse-back
;; with |q| > 22 through Number()) or meets the unexpected, the call stops at that element: the
;; driver writes it with the JS writer and resumes (about 25000 of the 2^32 bit patterns, mostly
;; subnormals; none in typical weights).
;;
;; Two passes over a chunk: pass 1 ($shortest) finds the digits c·10^q of every element, pass 2
;; ($write) lays them out. Each loop is short and, in the common course, free of data-dependent
;; branches but the layout, which lets the processor overlap several elements.
;;
;; Memory layout (byte addresses; the tables are filled by the driver at instantiation, from
;; floatfmt.ts's tables and with its expressions and constants):
;;   OUT_END  i32: where the last call stopped writing
;;   CONST    f64x2 constants: +0 0.5, +16 1, +32 0.4999999, +48 0.5000001, +64 2^52,
;;            +80 1e-6 (both lanes)
;;   CANDS    16 × f64 scratch at 608: the candidates c of the steps q0 .. q0 + 15 of the walk,
;;            as c + 2^52 (whose low 32 bits are c)
;;   TAB      256 × 128 bytes, per biased exponent be (q0 = F32_Q0[be], lim_k = F32_HMAX[be]·s_k):
;;              +0 f64 F32_HMAX[be]   +8 i32 F32_Q0[be]   +12 i32 F32_Q0_POW2[be]
;;              +16 4 × f64 s_k = P10NEG[q0 + k + 400] (= 10^-(q0+k)), k = 0..3
;;              +48 4 × f64 lo_k = lim_k − lim_k·1e-6 − 1e-6 (shortestF32's fast bounds at q0 + k)
;;              +80 4 × f64 hi_k = lim_k + lim_k·1e-6 + 1e-6
;;              +112 i32 c, +116 i32 q: the shortest digits of 2^(be − 127) (c = 0: none)
;;   P10      801 × f64: P10NEG of floatfmt.ts, 10^-k at index k + 400 (so 10^m at 400 − m)
;;   SRC      input bit patterns (CHUNK × u32)
;;   WORK     the digits of pass 1 (CHUNK × i64)
;;   DST      output tokens, each followed by ',' (CHUNK × 20 bytes + slack: stores may run up
;;            to 8 bytes past a token's end; later stores overwrite those bytes)
;; CHUNK = 2048 keeps the buffers of a call (~66 KiB) in the first cache levels: with 16384,
;; pass 2 ran 7.3 to 11.7 ns/element from one process to the next, with 2048 7.3 to 7.6.
(module
  (memory (export "mem") 2)
  (global (export "OUT_END") i32 (i32.const 0))
  (global (export "CONST") i32 (i32.const 512))
  (global (export "TAB") i32 (i32.const 1024))
  (global (export "TAB_STRIDE") i32 (i32.const 128))
  (global (export "P10") i32 (i32.const 33792))
  (global (export "SRC") i32 (i32.const 40960))
  (global $WORK (export "WORK") i32 (i32.const 49152))
  (global (export "DST") i32 (i32.const 65536))
  (global (export "CHUNK") i32 (i32.const 2048))

  ;; ASCII digits L (k <= 8 of them, in bytes 0..k−1) at p with a '.' after the first m (m < k):
  ;; k + 1 bytes (may write up to 8 bytes past them).
  (func $pointed (param $p i32) (param $L i64) (param $m i32)
    (i64.store align=1 (local.get $p) (local.get $L))
    (i64.store offset=1 align=1 (i32.add (local.get $p) (local.get $m))
      (i64.shr_u (local.get $L) (i64.extend_i32_u (i32.shl (local.get $m) (i32.const 3)))))
    (i32.store8 (i32.add (local.get $p) (local.get $m)) (i32.const 46)))

  ;; floatfmt `within`: 1 inside, 0 outside, −1 too close to call.
  (func $within (param $dist f64) (param $lim f64) (result i32)
    (local $slack f64)
    (local.set $slack (f64.add (f64.mul (local.get $lim) (f64.const 0x1.0c6f7a0b5ed8dp-20)) (f64.const 0x1.0c6f7a0b5ed8dp-20))) ;; lim·1e-6 + 1e-6
    (if (f64.lt (local.get $dist) (f64.sub (local.get $lim) (local.get $slack))) (then (return (i32.const 1))))
    (if (f64.gt (local.get $dist) (f64.add (local.get $lim) (local.get $slack))) (then (return (i32.const 0))))
    (i32.const -1))

  ;; Math.fround(parseDecimal(c, q)) === v: 1 / 0, or −2 when that needs Number() (not ported).
  (func $parse_eq (param $c f64) (param $q i32) (param $v f64) (result i32)
    (local $x f64)
    (if (i32.eqz (f64.lt (local.get $c) (f64.const 0x1.0000000000000p53))) (then (return (i32.const -2))))
    (if (i32.and (i32.ge_s (local.get $q) (i32.const 0)) (i32.le_s (local.get $q) (i32.const 22)))
      (then (local.set $x (f64.mul (local.get $c)
        (f64.load (i32.add (i32.const 33792) (i32.shl (i32.sub (i32.const 400) (local.get $q)) (i32.const 3)))))))
      (else
        (if (i32.and (i32.lt_s (local.get $q) (i32.const 0)) (i32.ge_s (local.get $q) (i32.const -22)))
          (then (local.set $x (f64.div (local.get $c)
            (f64.load (i32.add (i32.const 33792) (i32.shl (i32.add (i32.const 400) (local.get $q)) (i32.const 3)))))))
          (else (return (i32.const -2))))))
    (f64.eq (f64.promote_f32 (f32.demote_f64 (local.get $x))) (local.get $v)))

;; Is t = v·10^-q exact (v the float32 of bit pattern au > 0, as shortestF32 computes t)?
  ;; Sufficient: 0 <= −q <= 22 (10^-q is then an exact double) and M·10^-q < 2^(53 − q), M the
  ;; 24-bit significand of v (the product is then a double; rounding is monotone, so the rounded
  ;; product is below that power of two exactly when the exact one is).
  (func $exact (param $au i32) (param $q i32) (result i32)
    (if (i32.or (i32.gt_s (local.get $q) (i32.const 0)) (i32.lt_s (local.get $q) (i32.const -22)))
      (then (return (i32.const 0))))
    (f64.lt
      (f64.mul
        (f64.convert_i32_u (i32.or (i32.and (local.get $au) (i32.const 0x7fffff))
          (select (i32.const 0x800000) (i32.const 0) (i32.ge_u (local.get $au) (i32.const 0x800000)))))
        (f64.load (i32.add (i32.const 33792) (i32.shl (i32.add (i32.const 400) (local.get $q)) (i32.const 3)))))
      (f64.reinterpret_i64 (i64.shl (i64.extend_i32_u (i32.sub (i32.const 1076) (local.get $q))) (i64.const 52)))))

  ;; floatfmt `pickF32Slow`: the member f or f + 1, −1 for none, −2 when the JS writer must
  ;; decide (a near-tie where t = v·10^-q, so frac, is not exact; a parse-back through Number()).
  ;; tieSign, the sign of 2v − (2f + 1)·10^q = 2·10^q·(t − f − 1/2), is that of frac − 0.5 when
  ;; t is exact: an exact tie (frac = 0.5) goes to the even f, as in tieSign's caller.
  (func $slow (param $v f64) (param $au i32) (param $q i32) (param $f f64) (param $frac f64) (param $lim f64) (param $pow2 i32) (result f64)
    (local $below i32) (local $above i32)
    (local.set $below (call $within (local.get $frac)
      (select (f64.div (local.get $lim) (f64.const 2)) (local.get $lim) (local.get $pow2))))
    (local.set $above (call $within (f64.sub (f64.const 1) (local.get $frac)) (local.get $lim)))
    (if (i32.lt_s (local.get $below) (i32.const 0))
      (then
        (local.set $below (call $parse_eq (local.get $f) (local.get $q) (local.get $v)))
        (if (i32.lt_s (local.get $below) (i32.const 0)) (then (return (f64.const -2))))))
    (if (i32.lt_s (local.get $above) (i32.const 0))
      (then
        (local.set $above (call $parse_eq (f64.add (local.get $f) (f64.const 1)) (local.get $q) (local.get $v)))
        (if (i32.lt_s (local.get $above) (i32.const 0)) (then (return (f64.const -2))))))
    (if (i32.and (local.get $below) (local.get $above))
      (then
        (if (f64.lt (local.get $frac) (f64.const 0x1.fffff94a03595p-2)) (then (return (local.get $f)))) ;; 0.4999999
        (if (f64.gt (local.get $frac) (f64.const 0x1.0000035afe535p-1)) (then (return (f64.add (local.get $f) (f64.const 1))))) ;; 0.5000001
        (if (i32.eqz (call $exact (local.get $au) (local.get $q))) (then (return (f64.const -2))))
        (if (f64.lt (local.get $frac) (f64.const 0.5)) (then (return (local.get $f))))
        (if (f64.gt (local.get $frac) (f64.const 0.5)) (then (return (f64.add (local.get $f) (f64.const 1)))))
        ;; f even ? f : f + 1 (f < 2^31 here)
        (return (f64.add (local.get $f) (f64.convert_i32_u (i32.and (i32.trunc_sat_f64_u (local.get $f)) (i32.const 1)))))))
    (if (local.get $below) (then (return (local.get $f))))
    (if (local.get $above) (then (return (f64.add (local.get $f) (f64.const 1)))))
    (f64.const -1))

  ;; Pass 1: the shortest digits c·10^q of the n float32 bit patterns at src, as the i64
  ;; c | q << 32 at work (0 for ±0, nan and ±inf). Returns n, or the index of the first element
  ;; left to the JS writer. No data-dependent branch in the common course.
  (func $shortest (param $src i32) (param $n i32) (param $work i32) (result i32)
    (local $i i32) (local $u i32) (local $au i32) (local $be i32) (local $pow2 i32)
    (local $tab i32) (local $q0 i32) (local $q i32) (local $ci i32)
    (local $ok i32) (local $fail i32) (local $j i32) (local $k i32)
    (local $a f64) (local $hmax f64) (local $c f64) (local $c2 f64) (local $s f64) (local $t f64)
    (local $f f64) (local $frac f64) (local $lim f64) (local $near f64)
    (local $av v128) (local $tv v128) (local $fv v128) (local $rv v128) (local $gv v128) (local $lov v128) (local $hiv v128)
    (local $sv v128) (local $limv v128) (local $lastau i32) (local $lastw i64)
    (local.set $lastau (i32.const -1))
    (block $out
      (loop $elems
        (br_if $out (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $u (i32.load (i32.add (local.get $src) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $au (i32.and (local.get $u) (i32.const 0x7fffffff)))
        (block $done
          (if (i32.ge_u (i32.sub (local.get $au) (i32.const 1)) (i32.const 0x7f7fffff)) ;; 0 or ≥ 0x7f800000
            (then
              (i64.store (i32.add (local.get $work) (i32.shl (local.get $i) (i32.const 3))) (i64.const 0))
              (br $done)))
          ;; the element before had the same magnitude (a constant tensor): its digits
          (if (i32.eq (local.get $au) (local.get $lastau))
            (then
              (i64.store (i32.add (local.get $work) (i32.shl (local.get $i) (i32.const 3))) (local.get $lastw))
              (br $done)))
          ;; ---- shortestF32(a, au) → ci, q
          (local.set $be (i32.shr_u (local.get $au) (i32.const 23)))
          (local.set $pow2 (i32.and (i32.eqz (i32.and (local.get $au) (i32.const 0x7fffff)))
                                    (i32.gt_u (local.get $be) (i32.const 1))))
          (local.set $tab (i32.add (i32.const 1024) (i32.shl (local.get $be) (i32.const 7))))
          (local.set $hmax (f64.load (local.get $tab)))
          (local.set $q0 (select (i32.load offset=12 (local.get $tab)) (i32.load offset=8 (local.get $tab)) (local.get $pow2)))
          (local.set $a (f64.promote_f32 (f32.reinterpret_i32 (local.get $au))))
          (block $found
            (if (local.get $pow2)
              (then
                ;; a power of two: its digits, from the table (0: not there)
                (local.set $ci (i32.load offset=112 (local.get $tab)))
                (local.set $q (i32.load offset=116 (local.get $tab)))
                (br_if $found (local.get $ci))
                (local.set $q (i32.add (local.get $q0) (i32.const 1)))
                (local.set $c (f64.const -1)))
              (else
                ;; The steps q0 .. q0 + 3 of the walk, all computed, two per f64x2 (no branch).
                ;; Bit k of `ok`: step q0 + k is accepted by the fast test of shortestF32's loop
                ;; (and of pickF32); of `fail`: its exit "the nearest multiple is outside";
                ;; CANDS[k]: the nearer multiple (f, or f + 1 from frac >= 0.5). With
                ;; near = min(frac, 1 − frac) (which `frac < 0.5 ? frac : 1 − frac` is),
                ;; near > hi is frac > hi ∧ 1 − frac > hi, and near < lo is frac < lo ∨ 1 − frac < lo.
                (local.set $av (f64x2.splat (local.get $a)))
                ;; steps q0 + 0, q0 + 1
                (local.set $tv (f64x2.mul (local.get $av) (v128.load offset=16 (local.get $tab))))
                (local.set $fv (f64x2.floor (local.get $tv)))
                (local.set $rv (f64x2.sub (local.get $tv) (local.get $fv)))
                (local.set $gv (f64x2.sub (v128.load (i32.const 528)) (local.get $rv)))
                (local.set $lov (v128.load offset=48 (local.get $tab)))
                (local.set $hiv (v128.load offset=80 (local.get $tab)))
                (local.set $ok (i64x2.bitmask (v128.and
                (v128.or (f64x2.lt (local.get $rv) (local.get $lov)) (f64x2.lt (local.get $gv) (local.get $lov)))
                (v128.or (f64x2.lt (local.get $rv) (v128.load (i32.const 544))) (f64x2.gt (local.get $rv) (v128.load (i32.const 560)))))))
                (local.set $fail (i64x2.bitmask (v128.and
                (f64x2.gt (local.get $rv) (local.get $hiv)) (f64x2.gt (local.get $gv) (local.get $hiv)))))
                (v128.store offset=608 (i32.const 0)
                  (i64x2.sub (f64x2.add (local.get $fv) (v128.load (i32.const 576))) (f64x2.ge (local.get $rv) (v128.load (i32.const 512)))))
                ;; steps q0 + 2, q0 + 3
                (local.set $tv (f64x2.mul (local.get $av) (v128.load offset=32 (local.get $tab))))
                (local.set $fv (f64x2.floor (local.get $tv)))
                (local.set $rv (f64x2.sub (local.get $tv) (local.get $fv)))
                (local.set $gv (f64x2.sub (v128.load (i32.const 528)) (local.get $rv)))
                (local.set $lov (v128.load offset=64 (local.get $tab)))
                (local.set $hiv (v128.load offset=96 (local.get $tab)))
                ;; (lo_k < 0.1 from q0 + 2 on: near < lo_k implies frac < 0.1 or frac > 0.9, so the
                ;; test "not near a tie" of the fast acceptance holds; the driver checks lo_k <= 0.4)
                (local.set $ok (i32.or (local.get $ok) (i32.shl (i64x2.bitmask
                  (v128.or (f64x2.lt (local.get $rv) (local.get $lov)) (f64x2.lt (local.get $gv) (local.get $lov)))) (i32.const 2))))
                (local.set $fail (i32.or (local.get $fail) (i32.shl (i64x2.bitmask (v128.and
                (f64x2.gt (local.get $rv) (local.get $hiv)) (f64x2.gt (local.get $gv) (local.get $hiv)))) (i32.const 2))))
                (v128.store offset=624 (i32.const 0)
                  (i64x2.sub (f64x2.add (local.get $fv) (v128.load (i32.const 576))) (f64x2.ge (local.get $rv) (v128.load (i32.const 512)))))
                ;; The walk runs from q0 + 1 to its first step j that is not accepted; when that
                ;; step fails (is not borderline), the answer is step j − 1's candidate (for j = 1:
                ;; pickF32 at q0, which must be accepted).
                (local.set $j (i32.ctz (i32.or (i32.and (i32.xor (local.get $ok) (i32.const -1)) (i32.const 14)) (i32.const 16))))
                (local.set $fail (i32.shr_u (local.get $fail) (local.get $j)))
                (if (i32.eq (local.get $j) (i32.const 4))
                  (then
                    ;; A longer walk (a short decimal, such as 0.1 or 3.0): on, two steps at a
                    ;; time, with the bounds computed here as the table's (the same operations).
                    (block $walked2
                      (loop $pairs
                        (local.set $sv (v128.load (i32.add (i32.const 33792)
                          (i32.shl (i32.add (i32.add (local.get $q0) (local.get $j)) (i32.const 400)) (i32.const 3)))))
                        (local.set $tv (f64x2.mul (local.get $av) (local.get $sv)))
                        (local.set $fv (f64x2.floor (local.get $tv)))
                        (local.set $rv (f64x2.sub (local.get $tv) (local.get $fv)))
                        (local.set $gv (f64x2.sub (v128.load (i32.const 528)) (local.get $rv)))
                        (local.set $limv (f64x2.mul (f64x2.splat (local.get $hmax)) (local.get $sv)))
                        (local.set $lov (f64x2.sub (f64x2.sub (local.get $limv) (f64x2.mul (local.get $limv) (v128.load (i32.const 592))))
                                                   (v128.load (i32.const 592))))
                        (local.set $hiv (f64x2.add (f64x2.add (local.get $limv) (f64x2.mul (local.get $limv) (v128.load (i32.const 592))))
                                                   (v128.load (i32.const 592))))
                        ;; (lo < 0.01: no tie test, as for q0 + 2)
                        (local.set $k (i64x2.bitmask
                          (v128.or (f64x2.lt (local.get $rv) (local.get $lov)) (f64x2.lt (local.get $gv) (local.get $lov)))))
                        (local.set $fail (i64x2.bitmask (v128.and
                        (f64x2.gt (local.get $rv) (local.get $hiv)) (f64x2.gt (local.get $gv) (local.get $hiv)))))
                        (v128.store offset=608 (i32.shl (local.get $j) (i32.const 3))
                          (i64x2.sub (f64x2.add (local.get $fv) (v128.load (i32.const 576))) (f64x2.ge (local.get $rv) (v128.load (i32.const 512)))))
                        (if (i32.ne (local.get $k) (i32.const 3))
                          (then
                            ;; the first step of the pair not accepted
                            (local.set $k (i32.ctz (i32.xor (local.get $k) (i32.const 3))))
                            (local.set $j (i32.add (local.get $j) (local.get $k)))
                            (local.set $fail (i32.shr_u (local.get $fail) (local.get $k)))
                            (br $walked2)))
                        (local.set $j (i32.add (local.get $j) (i32.const 2)))
                        (br_if $pairs (i32.lt_u (local.get $j) (i32.const 16))))
                      ;; a walk past q0 + 15 (none in float32): the loop below
                      (local.set $fail (i32.const 0)))))
                (if (i32.and (i32.and (local.get $fail)
                                      (i32.or (i32.ne (local.get $j) (i32.const 1)) (local.get $ok)))
                             (i32.const 1))
                  (then
                    (local.set $q (i32.add (local.get $q0) (i32.sub (local.get $j) (i32.const 1))))
                    (local.set $ci (i32.load offset=600 (i32.shl (local.get $j) (i32.const 3))))
                    (br $found)))
                ;; a borderline step j (or pickF32 at q0 borderline): the loop below takes the walk
                ;; on from step j, where it would be after accepting the steps before it
                (local.set $q (i32.add (local.get $q0) (local.get $j)))
                (local.set $c (select (f64.convert_i32_u (i32.load offset=600 (i32.shl (local.get $j) (i32.const 3))))
                                      (f64.const -1) (i32.ge_u (local.get $j) (i32.const 2))))))
            ;; Any other course (a power of two not in the table, a borderline step): shortestF32's
            ;; loop as written, from step q with the candidate c of step q − 1 (−1: none).
            (block $walked
              (loop $walk
                (local.set $s (f64.load (i32.add (i32.const 33792) (i32.shl (i32.add (local.get $q) (i32.const 400)) (i32.const 3)))))
                (local.set $t (f64.mul (local.get $a) (local.get $s)))
                (local.set $f (f64.floor (local.get $t)))
                (local.set $frac (f64.sub (local.get $t) (local.get $f)))
                (local.set $lim (f64.mul (local.get $hmax) (local.get $s)))
                (local.set $near (select (local.get $frac) (f64.sub (f64.const 1) (local.get $frac))
                                         (f64.lt (local.get $frac) (f64.const 0.5))))
                ;; near > lim + lim·1e-6 + 1e-6: the nearest multiple is outside, none is in
                (br_if $walked (f64.gt (local.get $near)
                  (f64.add (f64.add (local.get $lim) (f64.mul (local.get $lim) (f64.const 0x1.0c6f7a0b5ed8dp-20))) (f64.const 0x1.0c6f7a0b5ed8dp-20))))
                (if (i32.and
                      (i32.and (i32.eqz (local.get $pow2))
                        ;; near < lim − lim·1e-6 − 1e-6
                        (f64.lt (local.get $near)
                          (f64.sub (f64.sub (local.get $lim) (f64.mul (local.get $lim) (f64.const 0x1.0c6f7a0b5ed8dp-20))) (f64.const 0x1.0c6f7a0b5ed8dp-20))))
                      (i32.or (f64.lt (local.get $frac) (f64.const 0x1.fffff94a03595p-2))
                              (f64.gt (local.get $frac) (f64.const 0x1.0000035afe535p-1))))
                  (then
                    (local.set $c2 (select (local.get $f) (f64.add (local.get $f) (f64.const 1))
                                           (f64.lt (local.get $frac) (f64.const 0.5)))))
                  (else
                    (local.set $c2 (call $slow (local.get $a) (local.get $au) (local.get $q) (local.get $f) (local.get $frac)
                                               (local.get $lim) (local.get $pow2)))
                    (br_if $out (f64.eq (local.get $c2) (f64.const -2)))
                    (br_if $walked (f64.lt (local.get $c2) (f64.const 0)))))
                (local.set $c (local.get $c2))
                (local.set $q (i32.add (local.get $q) (i32.const 1)))
                (br $walk)))
            (if (f64.lt (local.get $c) (f64.const 0))
              (then
                ;; pickF32(a, q0, hmax, pow2): certain to have a member
                (local.set $q (local.get $q0))
                (local.set $s (f64.load (i32.add (i32.const 33792) (i32.shl (i32.add (local.get $q) (i32.const 400)) (i32.const 3)))))
                (local.set $t (f64.mul (local.get $a) (local.get $s)))
                (local.set $f (f64.floor (local.get $t)))
                (local.set $frac (f64.sub (local.get $t) (local.get $f)))
                (local.set $lim (f64.mul (local.get $hmax) (local.get $s)))
                (local.set $near (select (local.get $frac) (f64.sub (f64.const 1) (local.get $frac))
                                         (f64.lt (local.get $frac) (f64.const 0.5))))
                (br_if $out (f64.gt (local.get $near)
                  (f64.add (f64.add (local.get $lim) (f64.mul (local.get $lim) (f64.const 0x1.0c6f7a0b5ed8dp-20))) (f64.const 0x1.0c6f7a0b5ed8dp-20))))
                (if (i32.and
                      (i32.and (i32.eqz (local.get $pow2))
                        (f64.lt (local.get $near)
                          (f64.sub (f64.sub (local.get $lim) (f64.mul (local.get $lim) (f64.const 0x1.0c6f7a0b5ed8dp-20))) (f64.const 0x1.0c6f7a0b5ed8dp-20))))
                      (i32.or (f64.lt (local.get $frac) (f64.const 0x1.fffff94a03595p-2))
                              (f64.gt (local.get $frac) (f64.const 0x1.0000035afe535p-1))))
                  (then
                    (local.set $c (select (local.get $f) (f64.add (local.get $f) (f64.const 1))
                                          (f64.lt (local.get $frac) (f64.const 0.5)))))
                  (else
                    (local.set $c (call $slow (local.get $a) (local.get $au) (local.get $q) (local.get $f) (local.get $frac)
                                              (local.get $lim) (local.get $pow2))))))
              (else (local.set $q (i32.sub (local.get $q) (i32.const 1)))))
            ;; an integer c in [1, 10^9), or the JS writer's (−1: none found, −2: not ported)
            (br_if $out (i32.eqz (i32.and (f64.ge (local.get $c) (f64.const 1)) (f64.lt (local.get $c) (f64.const 1e9)))))
            (local.set $ci (i32.trunc_f64_u (local.get $c)))
            (br_if $out (f64.ne (f64.convert_i32_u (local.get $ci)) (local.get $c)))
          )
          ;; 1 <= ci < 10^9 (a shortest float32 has at most 9 digits), or the JS writer's
          (br_if $out (i32.ge_u (i32.sub (local.get $ci) (i32.const 1)) (i32.const 999999999)))
          (local.set $lastau (local.get $au))
          (local.set $lastw (i64.or (i64.extend_i32_u (local.get $ci)) (i64.shl (i64.extend_i32_s (local.get $q)) (i64.const 32))))
          (i64.store (i32.add (local.get $work) (i32.shl (local.get $i) (i32.const 3))) (local.get $lastw)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $elems)))
    (local.get $i))

  ;; Pass 2: the tokens of the n elements at src whose digits pass 1 left at work, each followed
  ;; by ',', at dst (writeDecimal, writeSpecial). Returns the end of the bytes written. The only
  ;; data-dependent branch in the common course is the choice of layout.
  (func $write (param $src i32) (param $n i32) (param $work i32) (param $dst i32) (result i32)
    (local $i i32) (local $p i32) (local $u i32) (local $au i32) (local $q i32) (local $ci i32)
    (local $nd i32) (local $decpt i32) (local $x i32) (local $h i32) (local $e i32)
    (local $w i64) (local $L i64) (local $y i64)
    (local.set $p (local.get $dst))
    (block $end
      (loop $elems
        (br_if $end (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $u (i32.load (i32.add (local.get $src) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $w (i64.load (i32.add (local.get $work) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $ci (i32.wrap_i64 (local.get $w)))
        (local.set $q (i32.wrap_i64 (i64.shr_s (local.get $w) (i64.const 32))))
        (block $written
          (if (i32.eqz (local.get $ci))
            (then
              (local.set $au (i32.and (local.get $u) (i32.const 0x7fffffff)))
              (if (i32.eqz (local.get $au))
                (then
                  (i32.store8 (local.get $p) (i32.const 45)) ;; '-' kept only for -0.0
                  (local.set $p (i32.add (local.get $p) (i32.shr_u (local.get $u) (i32.const 31))))
                  (i32.store align=1 (local.get $p) (i32.const 0x00302e30)) ;; "0.0"
                  (local.set $p (i32.add (local.get $p) (i32.const 3)))
                  (br $written)))
              (if (i32.gt_u (local.get $au) (i32.const 0x7f800000))
                (then (i64.store align=1 (local.get $p) (i64.const 0x226e616e22)) ;; "nan" (any sign, any payload)
                      (local.set $p (i32.add (local.get $p) (i32.const 5)))
                      (br $written)))
              (if (i32.lt_s (local.get $u) (i32.const 0))
                (then (i64.store align=1 (local.get $p) (i64.const 0x22666e692d22)) ;; "-inf"
                      (local.set $p (i32.add (local.get $p) (i32.const 6))))
                (else (i64.store align=1 (local.get $p) (i64.const 0x22666e6922)) ;; "inf"
                      (local.set $p (i32.add (local.get $p) (i32.const 5)))))
              (br $written)))

          ;; ---- writeDecimal(neg, ci, q)
          (i32.store8 (local.get $p) (i32.const 45)) ;; '-', kept for a negative element
          (local.set $p (i32.add (local.get $p) (i32.shr_u (local.get $u) (i32.const 31))))
          ;; The digits, as h (the 9th from the right, 0 for fewer) and L: the other ones as ASCII
          ;; bytes, the first in the lowest byte (8 of them when h > 0, else the nd significant
          ;; ones). "The digits at P" is then: h at P, L at P + e (e = 1 when h > 0), which
          ;; overwrites h when e = 0. L from x = ci mod 10^8 in SWAR: two 4-digit lanes (x / 10^4,
          ;; x mod 10^4), then four 2-digit lanes, then eight digits (y·10486 >> 20 = y / 100 for
          ;; y < 10^4, y·103 >> 10 = y / 10 for y < 100, and no lane's product reaches the next
          ;; lane). Before the '0's are added, the leading zero digits of x are the low zero bytes
          ;; of L, which count the digits.
          ;; ci / 10^8 = ci·⌈2^58/10^8⌉ >> 58 for ci < 2^32 (the error, below 2^-26, never
          ;; reaches the next integer); x / 10^4 = x·⌈2^40/10^4⌉ >> 40 for x < 10^8 likewise
          (local.set $h (i32.wrap_i64 (i64.shr_u (i64.mul (i64.extend_i32_u (local.get $ci)) (i64.const 2882303762)) (i64.const 58))))
          (local.set $x (i32.sub (local.get $ci) (i32.mul (local.get $h) (i32.const 100000000))))
          (local.set $e (i32.ne (local.get $h) (i32.const 0)))
          (local.set $h (i32.add (local.get $h) (i32.const 48)))
          (local.set $L (i64.shr_u (i64.mul (i64.extend_i32_u (local.get $x)) (i64.const 109951163)) (i64.const 40)))
          (local.set $L (i64.or (local.get $L) (i64.shl (i64.extend_i32_u
            (i32.sub (local.get $x) (i32.mul (i32.wrap_i64 (local.get $L)) (i32.const 10000)))) (i64.const 32))))
          (local.set $y (i64.and (i64.shr_u (i64.mul (local.get $L) (i64.const 10486)) (i64.const 20)) (i64.const 0x0000007f0000007f)))
          (local.set $L (i64.or (local.get $y) (i64.shl (i64.sub (local.get $L) (i64.mul (local.get $y) (i64.const 100))) (i64.const 16))))
          (local.set $y (i64.and (i64.shr_u (i64.mul (local.get $L) (i64.const 103)) (i64.const 10)) (i64.const 0x000f000f000f000f)))
          (local.set $L (i64.or (local.get $y) (i64.shl (i64.sub (local.get $L) (i64.mul (local.get $y) (i64.const 10))) (i64.const 8))))
          ;; x > 0 when h = 0 (ci >= 1), so ctz < 64: 8·(its leading zero digits) + 0..7
          (local.set $x (select (i32.const 0) (i32.and (i32.wrap_i64 (i64.ctz (local.get $L))) (i32.const 56)) (local.get $e)))
          (local.set $nd (select (i32.const 9) (i32.sub (i32.const 8) (i32.shr_u (local.get $x) (i32.const 3))) (local.get $e)))
          (local.set $L (i64.shr_u (i64.or (local.get $L) (i64.const 0x3030303030303030)) (i64.extend_i32_u (local.get $x))))
          (local.set $decpt (i32.add (local.get $nd) (local.get $q)))
          (if (i32.le_u (i32.add (local.get $decpt) (i32.const 3)) (i32.const 3)) ;; −4 < decpt <= 0
            (then
              ;; 1e-4 <= value < 1, the common case of weights: "0.", −decpt zeros (at most 3), the digits
              (i64.store align=1 (local.get $p) (i64.const 0x3030303030302e30)) ;; "0.000000"
              (local.set $p (i32.sub (i32.add (local.get $p) (i32.const 2)) (local.get $decpt)))
              (i32.store8 (local.get $p) (local.get $h))
              (i64.store align=1 (i32.add (local.get $p) (local.get $e)) (local.get $L))
              (local.set $p (i32.add (local.get $p) (local.get $nd)))
              (br $written)))
          (if (i32.or (i32.le_s (local.get $decpt) (i32.const -4)) (i32.gt_s (local.get $decpt) (i32.const 16)))
            (then
              ;; d.ddde±XX: the digits one place right, the lead digit moved left of the point (a
              ;; '.' after it is overwritten by the 'e' when there is a single digit)
              (i32.store8 offset=1 (local.get $p) (local.get $h))
              (i64.store offset=1 align=1 (i32.add (local.get $p) (local.get $e)) (local.get $L))
              (i32.store8 (local.get $p) (i32.load8_u offset=1 (local.get $p)))
              (i32.store8 offset=1 (local.get $p) (i32.const 46))
              (local.set $p (i32.add (local.get $p) (i32.add (local.get $nd) (i32.gt_u (local.get $nd) (i32.const 1)))))
              (local.set $x (i32.sub (local.get $decpt) (i32.const 1)))
              (local.set $e (i32.shr_s (local.get $x) (i32.const 31))) ;; −1 below 1, else 0
              (local.set $x (i32.sub (i32.xor (local.get $x) (local.get $e)) (local.get $e)))
              ;; "e+" or "e-" ('-' = '+' + 2)
              (i32.store16 align=1 (local.get $p) (i32.add (i32.const 0x2b65) (i32.shl (i32.and (local.get $e) (i32.const 2)) (i32.const 8))))
              (local.set $p (i32.add (local.get $p) (i32.const 2)))
              (if (i32.ge_u (local.get $x) (i32.const 100))
                (then (local.set $h (i32.div_u (local.get $x) (i32.const 100)))
                      (i32.store8 (local.get $p) (i32.add (local.get $h) (i32.const 48)))
                      (local.set $x (i32.sub (local.get $x) (i32.mul (local.get $h) (i32.const 100))))
                      (local.set $p (i32.add (local.get $p) (i32.const 1)))))
              (local.set $h (i32.div_u (local.get $x) (i32.const 10)))
              (i32.store16 align=1 (local.get $p)
                (i32.or (i32.add (local.get $h) (i32.const 48))
                        (i32.shl (i32.add (i32.sub (local.get $x) (i32.mul (local.get $h) (i32.const 10))) (i32.const 48)) (i32.const 8))))
              (local.set $p (i32.add (local.get $p) (i32.const 2)))
              (br $written)))
          (if (i32.ge_s (local.get $q) (i32.const 0))
            (then
              ;; an integer below 1e16: digits, q zeros, ".0"
              (i32.store8 (local.get $p) (local.get $h))
              (i64.store align=1 (i32.add (local.get $p) (local.get $e)) (local.get $L))
              (local.set $p (i32.add (local.get $p) (local.get $nd)))
              (i64.store align=1 (local.get $p) (i64.const 0x3030303030303030))
              (i64.store offset=8 align=1 (local.get $p) (i64.const 0x3030303030303030))
              (local.set $p (i32.add (local.get $p) (local.get $q)))
              (i32.store16 align=1 (local.get $p) (i32.const 0x302e)) ;; ".0"
              (local.set $p (i32.add (local.get $p) (i32.const 2)))
              (br $written)))
          ;; 1 <= value (0 < decpt < nd): the digits with a point after the first decpt
          (i32.store8 (local.get $p) (local.get $h))
          (call $pointed (i32.add (local.get $p) (local.get $e)) (local.get $L) (i32.sub (local.get $decpt) (local.get $e)))
          (local.set $p (i32.add (local.get $p) (i32.add (local.get $nd) (i32.const 1)))))
        ;; $written: the separator
        (i32.store8 (local.get $p) (i32.const 44))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $elems)))
    (local.get $p))

  ;; Writes the tokens of the n float32 bit patterns at src to dst, each followed by ','. Returns
  ;; the number of elements written: n, or the index of the first element left to the JS writer.
  ;; OUT_END holds the end of the bytes written. Two passes over the elements (digits, then
  ;; text) keep each loop short enough for the processor to overlap several elements.
  (func (export "fmt_f32") (param $src i32) (param $n i32) (param $dst i32) (result i32)
    (local $m i32)
    (local.set $m (call $shortest (local.get $src) (local.get $n) (global.get $WORK)))
    (i32.store (i32.const 0) (call $write (local.get $src) (local.get $m) (global.get $WORK) (local.get $dst)))
    (local.get $m))
)
