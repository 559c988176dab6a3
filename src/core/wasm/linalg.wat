;; Hand-written WebAssembly (SIMD128, f64x2) kernels of a blocked Householder QR in binary64:
;; LAPACK's dgeqrf/dorgqr structure (dgeqr2 panels, dlarft, dlarfb, dorg2r) with its conventions
;; (dlarfg: β = −sign(α)·‖x‖, τ = (β−α)/β, v = x/(α−β)). tools/build-wasm.mjs compiles this file
;; into src/core/wasm/linalg-wasm.ts (committed, generated); src/core/linalg/qr-wasm.ts drives it.
;;
;; Layout (all addresses are byte addresses; the driver places every buffer 64-byte aligned):
;;  * A: column-major, leading dimension ld (a multiple of 4; rows m..ld−1 are zero and stay zero:
;;    every reflector is zero there). Column c starts at a + 8·ld·c. The kernels run over all ld
;;    rows, which only adds exact zeros to sums.
;;  * a packed panel V (pack_v): the reflectors of columns j..j+ib−1 as an R×nbp matrix for rows
;;    r0..r0+R−1 (r0 = j rounded down to a multiple of 4, R = ld − r0, nbp a multiple of 4), with
;;    its zeros above the unit diagonal and in columns ib..nbp−1 written out, twice:
;;      - in strips of 4 rows, V[i, p] at vp + 8·(4·nbp·(i >> 2) + 4·p + (i & 3)): a strip is one
;;        contiguous run of 32·nbp bytes (C −= V·W2, lanes along rows);
;;      - row-major after it, V[i, p] at vp + 8·(R·nbp + nbp·i + p) (W = Vᵀ·C, lanes along p).
;;  * M (nbp×nbp, row-major) multiplies W in larfb: Tᵀ to apply Hᵀ (dgeqrf), T to apply H (dorgqr).
;;  * W, W2: nbp×4, row-major (4 columns of the block side by side).
;;
;; Accuracy (the float64 tolerance of orthogonal_ is 1e-13 and ill-conditioned draws amplify
;; rounding in Q's last columns): larfb rounds each element of C once per panel (C − (V·W2), the
;; product summed apart from C, as dgemm does), and sums Vᵀ·C in blocks of 32 rows. Measured on
;; 40 normal 512×512 draws against a long-double reference, this made the RMS error of Q 2.3×
;; smaller than accumulating into C row by row (below that of torch's OpenBLAS LAPACK).
(module
  (memory (export "mem") 1)

  ;; Σ x[i]·y[i] over n elements (two f64x2 accumulators, then a pair and a scalar tail).
  (func $dot (param $x i32) (param $y i32) (param $n i32) (result f64)
    (local $a0 v128) (local $a1 v128) (local $end i32) (local $s f64)
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3))))
    (block $d4
      (loop $l4
        (br_if $d4 (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (v128.load (local.get $x)) (v128.load (local.get $y)))))
        (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (v128.load offset=16 (local.get $x)) (v128.load offset=16 (local.get $y)))))
        (local.set $x (i32.add (local.get $x) (i32.const 32)))
        (local.set $y (i32.add (local.get $y) (i32.const 32)))
        (br $l4)))
    (local.set $a0 (f64x2.add (local.get $a0) (local.get $a1)))
    (if (i32.and (local.get $n) (i32.const 2))
      (then
        (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (v128.load (local.get $x)) (v128.load (local.get $y)))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))))
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0))))
    (if (i32.and (local.get $n) (i32.const 1))
      (then (local.set $s (f64.add (local.get $s) (f64.mul (f64.load (local.get $x)) (f64.load (local.get $y)))))))
    (local.get $s))

  ;; y[i] −= a·x[i] over n elements.
  (func $axpy (param $a f64) (param $x i32) (param $y i32) (param $n i32)
    (local $av v128) (local $end i32)
    (local.set $av (f64x2.splat (local.get $a)))
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $d
      (loop $l
        (br_if $d (i32.ge_u (local.get $x) (local.get $end)))
        (v128.store (local.get $y) (f64x2.sub (v128.load (local.get $y)) (f64x2.mul (local.get $av) (v128.load (local.get $x)))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (br $l)))
    (if (i32.and (local.get $n) (i32.const 1))
      (then (f64.store (local.get $y) (f64.sub (f64.load (local.get $y)) (f64.mul (local.get $a) (f64.load (local.get $x))))))))

  ;; x[i] ·= a over n elements.
  (func $scal (param $a f64) (param $x i32) (param $n i32)
    (local $av v128) (local $end i32)
    (local.set $av (f64x2.splat (local.get $a)))
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $d
      (loop $l
        (br_if $d (i32.ge_u (local.get $x) (local.get $end)))
        (v128.store (local.get $x) (f64x2.mul (v128.load (local.get $x)) (local.get $av)))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br $l)))
    (if (i32.and (local.get $n) (i32.const 1))
      (then (f64.store (local.get $x) (f64.mul (f64.load (local.get $x)) (local.get $a))))))

  ;; Applies H = I − τ·v·vᵀ (v[0] = 1, v[1..n) at x) to the column of n elements at c:
  ;; w = τ·(c[0] + Σ v[i]·c[i]); c[0] −= w; c[i] −= w·v[i] (dlarf on one column).
  (func $reflect (param $x i32) (param $c i32) (param $n i32) (param $tau f64)
    (local $w f64)
    (local.set $w (f64.mul
      (f64.add (f64.load (local.get $c))
               (call $dot (local.get $x) (i32.add (local.get $c) (i32.const 8)) (i32.sub (local.get $n) (i32.const 1))))
      (local.get $tau)))
    (f64.store (local.get $c) (f64.sub (f64.load (local.get $c)) (local.get $w)))
    (call $axpy (local.get $w) (local.get $x) (i32.add (local.get $c) (i32.const 8)) (i32.sub (local.get $n) (i32.const 1))))

  ;; dgeqr2 on the panel of columns j..j+ib−1 (rows j..ld−1): for each column l, dlarfg (τ = 0
  ;; when the part below the diagonal is all zeros: H = I and R[l,l] = α), then H_l applied to
  ;; the panel's later columns. R[l,l] goes to the diagonal and to rdiag[l], τ to tau[l]; v
  ;; (without its unit head) stays below the diagonal.
  (func (export "geqr2") (param $a i32) (param $ld i32) (param $j i32) (param $ib i32) (param $tau i32) (param $rdiag i32)
    (local $l i32) (local $lend i32) (local $cl i32) (local $n i32) (local $c i32) (local $cc i32)
    (local $alpha f64) (local $ss f64) (local $norm f64) (local $beta f64) (local $t f64)
    (local.set $l (local.get $j))
    (local.set $lend (i32.add (local.get $j) (local.get $ib)))
    (block $done
      (loop $col
        (br_if $done (i32.ge_u (local.get $l) (local.get $lend)))
        ;; cl = &A[l, l]; n = ld − l − 1 elements below it
        (local.set $cl (i32.add (local.get $a) (i32.shl (i32.add (i32.mul (local.get $l) (local.get $ld)) (local.get $l)) (i32.const 3))))
        (local.set $n (i32.sub (i32.sub (local.get $ld) (local.get $l)) (i32.const 1)))
        (local.set $alpha (f64.load (local.get $cl)))
        (local.set $ss (call $dot (i32.add (local.get $cl) (i32.const 8)) (i32.add (local.get $cl) (i32.const 8)) (local.get $n)))
        (if (f64.eq (local.get $ss) (f64.const 0))
          (then
            (f64.store (i32.add (local.get $tau) (i32.shl (local.get $l) (i32.const 3))) (f64.const 0))
            (f64.store (i32.add (local.get $rdiag) (i32.shl (local.get $l) (i32.const 3))) (local.get $alpha)))
          (else
            (local.set $norm (f64.sqrt (f64.add (f64.mul (local.get $alpha) (local.get $alpha)) (local.get $ss))))
            (local.set $beta (select (f64.neg (local.get $norm)) (local.get $norm) (f64.ge (local.get $alpha) (f64.const 0))))
            (local.set $t (f64.div (f64.sub (local.get $beta) (local.get $alpha)) (local.get $beta)))
            (call $scal (f64.div (f64.const 1) (f64.sub (local.get $alpha) (local.get $beta))) (i32.add (local.get $cl) (i32.const 8)) (local.get $n))
            ;; H_l on columns l+1..j+ib−1, rows l..ld−1
            (local.set $c (i32.add (local.get $l) (i32.const 1)))
            (local.set $cc (i32.add (local.get $cl) (i32.shl (local.get $ld) (i32.const 3))))
            (block $rdone
              (loop $rl
                (br_if $rdone (i32.ge_u (local.get $c) (local.get $lend)))
                (call $reflect (i32.add (local.get $cl) (i32.const 8)) (local.get $cc) (i32.add (local.get $n) (i32.const 1)) (local.get $t))
                (local.set $cc (i32.add (local.get $cc) (i32.shl (local.get $ld) (i32.const 3))))
                (local.set $c (i32.add (local.get $c) (i32.const 1)))
                (br $rl)))
            (f64.store (local.get $cl) (local.get $beta))
            (f64.store (i32.add (local.get $tau) (i32.shl (local.get $l) (i32.const 3))) (local.get $t))
            (f64.store (i32.add (local.get $rdiag) (i32.shl (local.get $l) (i32.const 3))) (local.get $beta))))
        (local.set $l (i32.add (local.get $l) (i32.const 1)))
        (br $col))))

  ;; dlarft (forward, columnwise) for the reflectors of columns j..j+ib−1: T (nbp×nbp,
  ;; column-major at t, upper triangular, zero outside ib×ib) with H_j…H_{j+ib−1} = I − V·T·Vᵀ.
  ;; T[0:i, i] = −τ_i·T[0:i, 0:i]·(V[:, 0:i]ᵀ·v_i), T[i, i] = τ_i.
  (func (export "larft") (param $a i32) (param $ld i32) (param $j i32) (param $ib i32) (param $tau i32) (param $t i32) (param $nbp i32)
    (local $i i32) (local $q i32) (local $r i32) (local $ci i32) (local $cq i32) (local $n i32)
    (local $ti f64) (local $s f64) (local $tcol i32) (local $p i32) (local $end i32)
    ;; zero T
    (local.set $p (local.get $t))
    (local.set $end (i32.add (local.get $t) (i32.shl (i32.mul (local.get $nbp) (local.get $nbp)) (i32.const 3))))
    (block $zd
      (loop $zl
        (br_if $zd (i32.ge_u (local.get $p) (local.get $end)))
        (v128.store (local.get $p) (v128.const f64x2 0 0))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $zl)))
    (local.set $i (i32.const 0))
    (block $idone
      (loop $il
        (br_if $idone (i32.ge_u (local.get $i) (local.get $ib)))
        (local.set $ti (f64.load (i32.add (local.get $tau) (i32.shl (i32.add (local.get $j) (local.get $i)) (i32.const 3)))))
        ;; ci = &A[j+i, j+i]; n = ld − (j+i) − 1
        (local.set $ci (i32.add (local.get $a)
          (i32.shl (i32.add (i32.mul (i32.add (local.get $j) (local.get $i)) (local.get $ld)) (i32.add (local.get $j) (local.get $i))) (i32.const 3))))
        (local.set $n (i32.sub (i32.sub (local.get $ld) (i32.add (local.get $j) (local.get $i))) (i32.const 1)))
        (local.set $tcol (i32.add (local.get $t) (i32.shl (i32.mul (local.get $i) (local.get $nbp)) (i32.const 3))))
        ;; T[q, i] = −τ_i·(v_q·v_i) for q < i; v_q·v_i = A[j+i, j+q] + Σ_{r > j+i} A[r, j+q]·A[r, j+i]
        (local.set $q (i32.const 0))
        (block $qdone
          (loop $ql
            (br_if $qdone (i32.ge_u (local.get $q) (local.get $i)))
            (local.set $cq (i32.add (local.get $a)
              (i32.shl (i32.add (i32.mul (i32.add (local.get $j) (local.get $q)) (local.get $ld)) (i32.add (local.get $j) (local.get $i))) (i32.const 3))))
            (f64.store (i32.add (local.get $tcol) (i32.shl (local.get $q) (i32.const 3)))
              (f64.mul (f64.neg (local.get $ti))
                (f64.add (f64.load (local.get $cq))
                  (call $dot (i32.add (local.get $cq) (i32.const 8)) (i32.add (local.get $ci) (i32.const 8)) (local.get $n)))))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $ql)))
        ;; T[0:i, i] = T[0:i, 0:i]·T[0:i, i] (upper triangular, in place, q ascending)
        (local.set $q (i32.const 0))
        (block $mdone
          (loop $ml
            (br_if $mdone (i32.ge_u (local.get $q) (local.get $i)))
            (local.set $s (f64.const 0))
            (local.set $r (local.get $q))
            (block $rdone
              (loop $rl
                (br_if $rdone (i32.ge_u (local.get $r) (local.get $i)))
                (local.set $s (f64.add (local.get $s)
                  (f64.mul
                    (f64.load (i32.add (local.get $t) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $nbp)) (local.get $q)) (i32.const 3))))
                    (f64.load (i32.add (local.get $tcol) (i32.shl (local.get $r) (i32.const 3)))))))
                (local.set $r (i32.add (local.get $r) (i32.const 1)))
                (br $rl)))
            (f64.store (i32.add (local.get $tcol) (i32.shl (local.get $q) (i32.const 3))) (local.get $s))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $ml)))
        (f64.store (i32.add (local.get $tcol) (i32.shl (local.get $i) (i32.const 3))) (local.get $ti))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $il))))

  ;; Packs the reflectors of columns j..j+ib−1 of A into the strip layout at vp (see the top):
  ;; V[i, p] for row r = r0 + i is 0 above row j+p, 1 at it, A[r, j+p] below; columns p ≥ ib are 0.
  (func (export "pack_v") (param $a i32) (param $ld i32) (param $j i32) (param $ib i32) (param $nbp i32) (param $vp i32)
    (local $r0 i32) (local $p i32) (local $r i32) (local $src i32) (local $dst i32) (local $diag i32) (local $x f64)
    (local.set $r0 (i32.and (local.get $j) (i32.const -4)))
    (local.set $p (i32.const 0))
    (block $pdone
      (loop $pl
        (br_if $pdone (i32.ge_u (local.get $p) (local.get $nbp)))
        (local.set $diag (i32.add (local.get $j) (local.get $p)))
        (local.set $src (i32.add (local.get $a) (i32.shl (i32.mul (local.get $diag) (local.get $ld)) (i32.const 3))))
        (local.set $r (local.get $r0))
        (block $rdone
          (loop $rl
            (br_if $rdone (i32.ge_u (local.get $r) (local.get $ld)))
            (local.set $x
              (if (result f64) (i32.or (i32.ge_u (local.get $p) (local.get $ib)) (i32.lt_u (local.get $r) (local.get $diag)))
                (then (f64.const 0))
                (else
                  (if (result f64) (i32.eq (local.get $r) (local.get $diag))
                    (then (f64.const 1))
                    (else (f64.load (i32.add (local.get $src) (i32.shl (local.get $r) (i32.const 3)))))))))
            ;; i = r − r0: strip i >> 2, lane i & 3
            (local.set $dst (i32.add (local.get $vp)
              (i32.shl
                (i32.add
                  (i32.add
                    (i32.mul (i32.shl (local.get $nbp) (i32.const 2)) (i32.shr_u (i32.sub (local.get $r) (local.get $r0)) (i32.const 2)))
                    (i32.shl (local.get $p) (i32.const 2)))
                  (i32.and (local.get $r) (i32.const 3)))
                (i32.const 3))))
            (f64.store (local.get $dst) (local.get $x))
            ;; the row-major copy: V[i, p] at vp + 8·(R·nbp + i·nbp + p)
            (f64.store
              (i32.add (local.get $vp)
                (i32.shl
                  (i32.add (i32.mul (i32.add (local.get $ld) (i32.sub (local.get $r) (i32.shl (local.get $r0) (i32.const 1)))) (local.get $nbp))
                           (local.get $p))
                  (i32.const 3)))
              (local.get $x))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $rl)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $pl))))

  ;; dlarfb (left, forward, columnwise) on C = the R×nc block at c (column-major, column stride
  ;; ldcb BYTES, nc a multiple of 4, R rows = those of the packed V at vp): C −= V·(M·(Vᵀ·C)),
  ;; M row-major nbp×nbp at m (Tᵀ for Hᵀ·C, T for H·C). Four columns at a time, so the block
  ;; stays in cache between the three products: W = Vᵀ·C (4 p × 4 columns register tiles, in
  ;; 32-row blocks whose sums are added up at w2), W2 = M·W, then C −= V·W2 (4 rows × 4 columns
  ;; register tiles; the sum over p is formed first and subtracted from C once).
  (func (export "larfb") (param $vp i32) (param $R i32) (param $nbp i32) (param $m i32) (param $c i32) (param $ldcb i32) (param $nc i32) (param $w i32) (param $w2 i32)
    (local $cb i32) (local $cc i32) (local $x i32) (local $p i32) (local $vs i32)
    (local $send i32) (local $strip i32) (local $wp i32) (local $q i32) (local $mrow i32)
    (local $v0 v128) (local $v1 v128)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local $wv v128) (local $c0 i32) (local $c1 i32) (local $c2 i32) (local $c3 i32) (local $row i32)
    (local $vstride i32) (local $vpb i32) (local $sp i32) (local $cend i32)
    (local.set $strip (i32.shl (local.get $nbp) (i32.const 5))) ;; bytes per 4-row strip of V
    (local.set $vstride (i32.shl (local.get $nbp) (i32.const 3))) ;; bytes per row of the row-major copy
    (local.set $vpb (i32.add (local.get $vp) (i32.mul (local.get $R) (local.get $vstride))))
    (local.set $cb (i32.const 0))
    (block $cbdone
      (loop $cbl
        (br_if $cbdone (i32.ge_u (local.get $cb) (local.get $nc)))
        (local.set $cc (i32.add (local.get $c) (i32.mul (local.get $cb) (local.get $ldcb))))
        ;; ---- W[p, 0..3] = Σ_i V[i, p]·C[i, 0..3]: register tiles of 4 p (two f64x2 of the
        ;; row-major copy of V) × 4 columns (splats of C), one row per step; the tile's sums over
        ;; each block of 32 rows are added to running totals at w2 (W2 is not formed yet)
        (local.set $c0 (local.get $cc))
        (local.set $c1 (i32.add (local.get $c0) (local.get $ldcb)))
        (local.set $c2 (i32.add (local.get $c1) (local.get $ldcb)))
        (local.set $c3 (i32.add (local.get $c2) (local.get $ldcb)))
        (local.set $send (i32.shl (local.get $R) (i32.const 3)))
        (local.set $p (i32.const 0))
        (block $pdone
          (loop $pl
            (br_if $pdone (i32.ge_u (local.get $p) (local.get $nbp)))
            (local.set $vs (i32.add (local.get $vpb) (i32.shl (local.get $p) (i32.const 3))))
            (local.set $sp (i32.add (local.get $w2) (i32.shl (local.get $p) (i32.const 5))))
            (v128.store offset=0 (local.get $sp) (v128.const f64x2 0 0))
            (v128.store offset=16 (local.get $sp) (v128.const f64x2 0 0))
            (v128.store offset=32 (local.get $sp) (v128.const f64x2 0 0))
            (v128.store offset=48 (local.get $sp) (v128.const f64x2 0 0))
            (v128.store offset=64 (local.get $sp) (v128.const f64x2 0 0))
            (v128.store offset=80 (local.get $sp) (v128.const f64x2 0 0))
            (v128.store offset=96 (local.get $sp) (v128.const f64x2 0 0))
            (v128.store offset=112 (local.get $sp) (v128.const f64x2 0 0))
            (local.set $row (i32.const 0))
            (block $chdone
              (loop $chl
                (br_if $chdone (i32.ge_u (local.get $row) (local.get $send)))
                (local.set $cend (i32.add (local.get $row) (i32.const 256)))
                (if (i32.gt_u (local.get $cend) (local.get $send)) (then (local.set $cend (local.get $send))))
                (local.set $a00 (v128.const f64x2 0 0)) (local.set $a01 (v128.const f64x2 0 0))
                (local.set $a10 (v128.const f64x2 0 0)) (local.set $a11 (v128.const f64x2 0 0))
                (local.set $a20 (v128.const f64x2 0 0)) (local.set $a21 (v128.const f64x2 0 0))
                (local.set $a30 (v128.const f64x2 0 0)) (local.set $a31 (v128.const f64x2 0 0))
                (block $sdone
                  (loop $sl
                    (br_if $sdone (i32.ge_u (local.get $row) (local.get $cend)))
                    (local.set $v0 (v128.load (local.get $vs)))
                    (local.set $v1 (v128.load offset=16 (local.get $vs)))
                    (local.set $wv (v128.load64_splat (i32.add (local.get $c0) (local.get $row))))
                    (local.set $a00 (f64x2.add (local.get $a00) (f64x2.mul (local.get $v0) (local.get $wv))))
                    (local.set $a01 (f64x2.add (local.get $a01) (f64x2.mul (local.get $v1) (local.get $wv))))
                    (local.set $wv (v128.load64_splat (i32.add (local.get $c1) (local.get $row))))
                    (local.set $a10 (f64x2.add (local.get $a10) (f64x2.mul (local.get $v0) (local.get $wv))))
                    (local.set $a11 (f64x2.add (local.get $a11) (f64x2.mul (local.get $v1) (local.get $wv))))
                    (local.set $wv (v128.load64_splat (i32.add (local.get $c2) (local.get $row))))
                    (local.set $a20 (f64x2.add (local.get $a20) (f64x2.mul (local.get $v0) (local.get $wv))))
                    (local.set $a21 (f64x2.add (local.get $a21) (f64x2.mul (local.get $v1) (local.get $wv))))
                    (local.set $wv (v128.load64_splat (i32.add (local.get $c3) (local.get $row))))
                    (local.set $a30 (f64x2.add (local.get $a30) (f64x2.mul (local.get $v0) (local.get $wv))))
                    (local.set $a31 (f64x2.add (local.get $a31) (f64x2.mul (local.get $v1) (local.get $wv))))
                    (local.set $vs (i32.add (local.get $vs) (local.get $vstride)))
                    (local.set $row (i32.add (local.get $row) (i32.const 8)))
                    (br $sl)))
                (v128.store offset=0 (local.get $sp) (f64x2.add (v128.load offset=0 (local.get $sp)) (local.get $a00)))
                (v128.store offset=16 (local.get $sp) (f64x2.add (v128.load offset=16 (local.get $sp)) (local.get $a01)))
                (v128.store offset=32 (local.get $sp) (f64x2.add (v128.load offset=32 (local.get $sp)) (local.get $a10)))
                (v128.store offset=48 (local.get $sp) (f64x2.add (v128.load offset=48 (local.get $sp)) (local.get $a11)))
                (v128.store offset=64 (local.get $sp) (f64x2.add (v128.load offset=64 (local.get $sp)) (local.get $a20)))
                (v128.store offset=80 (local.get $sp) (f64x2.add (v128.load offset=80 (local.get $sp)) (local.get $a21)))
                (v128.store offset=96 (local.get $sp) (f64x2.add (v128.load offset=96 (local.get $sp)) (local.get $a30)))
                (v128.store offset=112 (local.get $sp) (f64x2.add (v128.load offset=112 (local.get $sp)) (local.get $a31)))
                (br $chl)))
            (local.set $a00 (v128.load offset=0 (local.get $sp)))
            (local.set $a01 (v128.load offset=16 (local.get $sp)))
            (local.set $a10 (v128.load offset=32 (local.get $sp)))
            (local.set $a11 (v128.load offset=48 (local.get $sp)))
            (local.set $a20 (v128.load offset=64 (local.get $sp)))
            (local.set $a21 (v128.load offset=80 (local.get $sp)))
            (local.set $a30 (v128.load offset=96 (local.get $sp)))
            (local.set $a31 (v128.load offset=112 (local.get $sp)))
            ;; W[p + lane (+2), col] from the totals a{col}{0|1}
            (local.set $wp (i32.add (local.get $w) (i32.shl (local.get $p) (i32.const 5))))
            (f64.store offset=0 (local.get $wp) (f64x2.extract_lane 0 (local.get $a00)))
            (f64.store offset=8 (local.get $wp) (f64x2.extract_lane 0 (local.get $a10)))
            (f64.store offset=16 (local.get $wp) (f64x2.extract_lane 0 (local.get $a20)))
            (f64.store offset=24 (local.get $wp) (f64x2.extract_lane 0 (local.get $a30)))
            (f64.store offset=32 (local.get $wp) (f64x2.extract_lane 1 (local.get $a00)))
            (f64.store offset=40 (local.get $wp) (f64x2.extract_lane 1 (local.get $a10)))
            (f64.store offset=48 (local.get $wp) (f64x2.extract_lane 1 (local.get $a20)))
            (f64.store offset=56 (local.get $wp) (f64x2.extract_lane 1 (local.get $a30)))
            (f64.store offset=64 (local.get $wp) (f64x2.extract_lane 0 (local.get $a01)))
            (f64.store offset=72 (local.get $wp) (f64x2.extract_lane 0 (local.get $a11)))
            (f64.store offset=80 (local.get $wp) (f64x2.extract_lane 0 (local.get $a21)))
            (f64.store offset=88 (local.get $wp) (f64x2.extract_lane 0 (local.get $a31)))
            (f64.store offset=96 (local.get $wp) (f64x2.extract_lane 1 (local.get $a01)))
            (f64.store offset=104 (local.get $wp) (f64x2.extract_lane 1 (local.get $a11)))
            (f64.store offset=112 (local.get $wp) (f64x2.extract_lane 1 (local.get $a21)))
            (f64.store offset=120 (local.get $wp) (f64x2.extract_lane 1 (local.get $a31)))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (br $pl)))
        ;; ---- W2[p, 0..3] = Σ_q M[p, q]·W[q, 0..3]
        (local.set $p (i32.const 0))
        (block $mdone
          (loop $ml
            (br_if $mdone (i32.ge_u (local.get $p) (local.get $nbp)))
            (local.set $mrow (i32.add (local.get $m) (i32.shl (i32.mul (local.get $p) (local.get $nbp)) (i32.const 3))))
            (local.set $a00 (v128.const f64x2 0 0))
            (local.set $a01 (v128.const f64x2 0 0))
            (local.set $q (i32.const 0))
            (local.set $wp (local.get $w))
            (block $qdone
              (loop $ql
                (br_if $qdone (i32.ge_u (local.get $q) (local.get $nbp)))
                (local.set $wv (v128.load64_splat (i32.add (local.get $mrow) (i32.shl (local.get $q) (i32.const 3)))))
                (local.set $a00 (f64x2.add (local.get $a00) (f64x2.mul (local.get $wv) (v128.load (local.get $wp)))))
                (local.set $a01 (f64x2.add (local.get $a01) (f64x2.mul (local.get $wv) (v128.load offset=16 (local.get $wp)))))
                (local.set $wp (i32.add (local.get $wp) (i32.const 32)))
                (local.set $q (i32.add (local.get $q) (i32.const 1)))
                (br $ql)))
            (v128.store (i32.add (local.get $w2) (i32.shl (local.get $p) (i32.const 5))) (local.get $a00))
            (v128.store offset=16 (i32.add (local.get $w2) (i32.shl (local.get $p) (i32.const 5))) (local.get $a01))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $ml)))
        ;; ---- C[i, 0..3] −= Σ_p V[i, p]·W2[p, 0..3], one 4-row strip at a time
        (local.set $c0 (local.get $cc))
        (local.set $c1 (i32.add (local.get $c0) (local.get $ldcb)))
        (local.set $c2 (i32.add (local.get $c1) (local.get $ldcb)))
        (local.set $c3 (i32.add (local.get $c2) (local.get $ldcb)))
        (local.set $row (i32.const 0))
        (local.set $send (i32.shl (local.get $R) (i32.const 3)))
        (local.set $vs (local.get $vp))
        (block $rdone
          (loop $rl
            (br_if $rdone (i32.ge_u (local.get $row) (local.get $send)))
            (local.set $a00 (v128.const f64x2 0 0))
            (local.set $a01 (v128.const f64x2 0 0))
            (local.set $a10 (v128.const f64x2 0 0))
            (local.set $a11 (v128.const f64x2 0 0))
            (local.set $a20 (v128.const f64x2 0 0))
            (local.set $a21 (v128.const f64x2 0 0))
            (local.set $a30 (v128.const f64x2 0 0))
            (local.set $a31 (v128.const f64x2 0 0))
            (local.set $wp (local.get $w2))
            (local.set $x (i32.add (local.get $vs) (local.get $strip)))
            (block $pdone2
              (loop $pl2
                (br_if $pdone2 (i32.ge_u (local.get $vs) (local.get $x)))
                (local.set $v0 (v128.load (local.get $vs)))
                (local.set $v1 (v128.load offset=16 (local.get $vs)))
                (local.set $wv (v128.load64_splat (local.get $wp)))
                (local.set $a00 (f64x2.add (local.get $a00) (f64x2.mul (local.get $v0) (local.get $wv))))
                (local.set $a01 (f64x2.add (local.get $a01) (f64x2.mul (local.get $v1) (local.get $wv))))
                (local.set $wv (v128.load64_splat offset=8 (local.get $wp)))
                (local.set $a10 (f64x2.add (local.get $a10) (f64x2.mul (local.get $v0) (local.get $wv))))
                (local.set $a11 (f64x2.add (local.get $a11) (f64x2.mul (local.get $v1) (local.get $wv))))
                (local.set $wv (v128.load64_splat offset=16 (local.get $wp)))
                (local.set $a20 (f64x2.add (local.get $a20) (f64x2.mul (local.get $v0) (local.get $wv))))
                (local.set $a21 (f64x2.add (local.get $a21) (f64x2.mul (local.get $v1) (local.get $wv))))
                (local.set $wv (v128.load64_splat offset=24 (local.get $wp)))
                (local.set $a30 (f64x2.add (local.get $a30) (f64x2.mul (local.get $v0) (local.get $wv))))
                (local.set $a31 (f64x2.add (local.get $a31) (f64x2.mul (local.get $v1) (local.get $wv))))
                (local.set $vs (i32.add (local.get $vs) (i32.const 32)))
                (local.set $wp (i32.add (local.get $wp) (i32.const 32)))
                (br $pl2)))
            (v128.store (i32.add (local.get $c0) (local.get $row)) (f64x2.sub (v128.load (i32.add (local.get $c0) (local.get $row))) (local.get $a00)))
            (v128.store offset=16 (i32.add (local.get $c0) (local.get $row)) (f64x2.sub (v128.load offset=16 (i32.add (local.get $c0) (local.get $row))) (local.get $a01)))
            (v128.store (i32.add (local.get $c1) (local.get $row)) (f64x2.sub (v128.load (i32.add (local.get $c1) (local.get $row))) (local.get $a10)))
            (v128.store offset=16 (i32.add (local.get $c1) (local.get $row)) (f64x2.sub (v128.load offset=16 (i32.add (local.get $c1) (local.get $row))) (local.get $a11)))
            (v128.store (i32.add (local.get $c2) (local.get $row)) (f64x2.sub (v128.load (i32.add (local.get $c2) (local.get $row))) (local.get $a20)))
            (v128.store offset=16 (i32.add (local.get $c2) (local.get $row)) (f64x2.sub (v128.load offset=16 (i32.add (local.get $c2) (local.get $row))) (local.get $a21)))
            (v128.store (i32.add (local.get $c3) (local.get $row)) (f64x2.sub (v128.load (i32.add (local.get $c3) (local.get $row))) (local.get $a30)))
            (v128.store offset=16 (i32.add (local.get $c3) (local.get $row)) (f64x2.sub (v128.load offset=16 (i32.add (local.get $c3) (local.get $row))) (local.get $a31)))
            (local.set $row (i32.add (local.get $row) (i32.const 32)))
            (br $rl)))
        (local.set $cb (i32.add (local.get $cb) (i32.const 4)))
        (br $cbl))))

  ;; dorg2r in place on the panel of columns j..j+ib−1 (the reflectors below its diagonal, their
  ;; later columns already hold Q): for l = j+ib−1 down to j, H_l is applied to columns l+1..j+ib−1
  ;; (rows l..ld−1), then column l becomes H_l·e_l: rows 0..l−1 zero, 1 − τ_l, −τ_l·v.
  (func (export "org2r") (param $a i32) (param $ld i32) (param $j i32) (param $ib i32) (param $tau i32)
    (local $l i32) (local $lend i32) (local $cl i32) (local $n i32) (local $c i32) (local $cc i32) (local $t f64)
    (local $col i32) (local $p i32)
    (local.set $lend (i32.add (local.get $j) (local.get $ib)))
    (local.set $l (local.get $lend))
    (block $done
      (loop $lloop
        (br_if $done (i32.le_s (local.get $l) (local.get $j)))
        (local.set $l (i32.sub (local.get $l) (i32.const 1)))
        (local.set $col (i32.add (local.get $a) (i32.shl (i32.mul (local.get $l) (local.get $ld)) (i32.const 3))))
        (local.set $cl (i32.add (local.get $col) (i32.shl (local.get $l) (i32.const 3))))
        (local.set $n (i32.sub (i32.sub (local.get $ld) (local.get $l)) (i32.const 1)))
        (local.set $t (f64.load (i32.add (local.get $tau) (i32.shl (local.get $l) (i32.const 3)))))
        (local.set $c (i32.add (local.get $l) (i32.const 1)))
        (local.set $cc (i32.add (local.get $cl) (i32.shl (local.get $ld) (i32.const 3))))
        (block $rdone
          (loop $rl
            (br_if $rdone (i32.ge_u (local.get $c) (local.get $lend)))
            (call $reflect (i32.add (local.get $cl) (i32.const 8)) (local.get $cc) (i32.add (local.get $n) (i32.const 1)) (local.get $t))
            (local.set $cc (i32.add (local.get $cc) (i32.shl (local.get $ld) (i32.const 3))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $rl)))
        (call $scal (f64.neg (local.get $t)) (i32.add (local.get $cl) (i32.const 8)) (local.get $n))
        (f64.store (local.get $cl) (f64.sub (f64.const 1) (local.get $t)))
        (local.set $p (local.get $col))
        (block $zdone
          (loop $zl
            (br_if $zdone (i32.ge_u (local.get $p) (local.get $cl)))
            (f64.store (local.get $p) (f64.const 0))
            (local.set $p (i32.add (local.get $p) (i32.const 8)))
            (br $zl)))
        (br $lloop))))
)
