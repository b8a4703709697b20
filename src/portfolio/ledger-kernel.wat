;; The per-point part of a portfolio's metrics, straight from its fill ledger (ledger-metrics.ts
;; drives it; `npm run build:wasm` assembles this file into ledger-kernel-wasm.ts).
;;
;; `measure` does, in one pass and without storing the curve, what buildEquityCurve
;; (src/portfolio/equity-curve.ts, walking the ledger as src/portfolio/holdings-walk.ts does)
;; followed by computeMetrics' curve pass and exposure count (src/metrics/compute.ts) do: the
;; same IEEE operations on the same values in the same order, so every sum is the same to the
;; bit. `dispersion` is computeMetrics' second pass over the returns. Property-tested against
;; the JavaScript in test/portfolio/ledger-metrics.test.ts.
;;
;; Why WebAssembly: the same loop in JavaScript ran at 12 ms per 100 curves of 50k points in
;; one process and at 31-38 ms in the next, depending on how V8's tiers happened to compile it;
;; this code runs at the fast figure in every process.
;;
;; Memory (imported, laid out by ledger-metrics.ts; all offsets in bytes, 8-aligned):
;;   ts      n f64: close time of each tick
;;   close   streams * n f64: per stream, its last close at each tick end (stream s at close + s*n*8)
;;   ledger  3 columns of `fills` i32: tick, stream, open positions after (the ledger's 32-bit
;;           columns, copied as they are), then, 8-aligned, 2 of f64: quantity, cash after
;;   units   streams f64, held streams*4 bytes: scratch
;;   ret     n f64: the returns r[i-1] = e[i]/e[i-1] - 1 of the curve from tick i0
;;   out     10 f64: initial, final, sumR, maxDd, ddPeriods, ddMs, exposed points, returns
;;           defined (1/0), then dispersion's ss and downside
;; tsOk (1/0): every tick time is finite and none is before the one before it (the caller
;; checks once per marks), so flat stretches can skip the per-point checks.
(module
  (import "env" "memory" (memory 1))

  ;; Returns -1, or the curve index (tick - i0) of the first point computeMetrics would reject
  ;; (the caller then lets computeMetrics build the error).
  (func (export "measure")
    (param $ts i32) (param $close i32) (param $n i32) (param $i0 i32)
    (param $ledger i32) (param $fills i32) (param $cash0 f64) (param $streams i32)
    (param $units i32) (param $held i32) (param $ret i32) (param $out i32) (param $tsOk i32)
    (result i32)
    (local $nb i32) (local $fb i32) (local $lf i32) (local $tick i32) (local $until i32) (local $next i32)
    (local $s i32) (local $k i32) (local $j i32) (local $lo i32) (local $t i32) (local $f i32)
    (local $before f64) (local $after f64) (local $cash f64) (local $open f64)
    (local $u f64) (local $c i32) (local $e f64) (local $tt f64)
    (local $prevE f64) (local $prevT f64) (local $peak f64) (local $peakIdx i32) (local $peakTs f64)
    (local $maxDd f64) (local $bound f64) (local $sumR f64) (local $defined i32)
    (local $ddp i32) (local $ddMs f64) (local $expo i32) (local $r f64) (local $dd f64) (local $gap i32)
    (local $initial f64) (local $cp i32) (local $rp i32) (local $cend i32)
    (local.set $nb (i32.shl (local.get $n) (i32.const 3)))
    ;; $fb: bytes of one i32 column; $lf: where the f64 columns start
    (local.set $fb (i32.shl (local.get $fills) (i32.const 2)))
    (local.set $lf (i32.and (i32.add (i32.add (local.get $ledger) (i32.mul (local.get $fb) (i32.const 3))) (i32.const 7)) (i32.const -8)))
    (local.set $cash (local.get $cash0))
    (local.set $defined (i32.const 1))
    ;; units = 0 for every stream
    (local.set $s (i32.const 0))
    (block $z (loop $zl
      (br_if $z (i32.ge_s (local.get $s) (local.get $streams)))
      (f64.store (i32.add (local.get $units) (i32.shl (local.get $s) (i32.const 3))) (f64.const 0))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br $zl)))
    (block $walked (loop $stretch
      (br_if $walked (i32.ge_s (local.get $tick) (local.get $n)))
      ;; Apply the fills of this tick (walkHoldings).
      (block $applied (loop $apply
        (br_if $applied (i32.ge_s (local.get $next) (local.get $fills)))
        (br_if $applied (i32.gt_s
          (i32.load (i32.add (local.get $ledger) (i32.shl (local.get $next) (i32.const 2))))
          (local.get $tick)))
        (local.set $s (i32.load (i32.add (i32.add (local.get $ledger) (local.get $fb)) (i32.shl (local.get $next) (i32.const 2)))))
        ;; a stream the marks do not have is a broken ledger: trap rather than write past units
        (if (i32.ge_u (local.get $s) (local.get $streams)) (then unreachable))
        (local.set $before (f64.load (i32.add (local.get $units) (i32.shl (local.get $s) (i32.const 3)))))
        (local.set $after (f64.add (local.get $before)
          (f64.load (i32.add (local.get $lf) (i32.shl (local.get $next) (i32.const 3))))))
        (f64.store (i32.add (local.get $units) (i32.shl (local.get $s) (i32.const 3))) (local.get $after))
        (if (i32.and (f64.eq (local.get $before) (f64.const 0)) (f64.ne (local.get $after) (f64.const 0)))
          (then
            ;; first held: appended to the summation order
            (i32.store (i32.add (local.get $held) (i32.shl (local.get $k) (i32.const 2))) (local.get $s))
            (local.set $k (i32.add (local.get $k) (i32.const 1))))
          (else (if (i32.and (f64.ne (local.get $before) (f64.const 0)) (f64.eq (local.get $after) (f64.const 0)))
            (then
              ;; no longer held: removed, the others keep their order
              (local.set $j (i32.const 0))
              (block $found (loop $find
                ;; a stream with units is always in the list: not finding it is a broken ledger
                (if (i32.ge_s (local.get $j) (local.get $k)) (then unreachable))
                (br_if $found (i32.eq (i32.load (i32.add (local.get $held) (i32.shl (local.get $j) (i32.const 2)))) (local.get $s)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $find)))
              (local.set $k (i32.sub (local.get $k) (i32.const 1)))
              (block $shifted (loop $shift
                (br_if $shifted (i32.ge_s (local.get $j) (local.get $k)))
                (i32.store (i32.add (local.get $held) (i32.shl (local.get $j) (i32.const 2)))
                  (i32.load (i32.add (local.get $held) (i32.shl (i32.add (local.get $j) (i32.const 1)) (i32.const 2)))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $shift)))))))
        (local.set $cash (f64.load (i32.add (i32.add (local.get $lf) (i32.shl (local.get $fills) (i32.const 3))) (i32.shl (local.get $next) (i32.const 3)))))
        (local.set $open (f64.convert_i32_s (i32.load (i32.add (i32.add (local.get $ledger) (i32.shl (local.get $fb) (i32.const 1))) (i32.shl (local.get $next) (i32.const 2))))))
        (local.set $next (i32.add (local.get $next) (i32.const 1)))
        (br $apply)))
      ;; Until the next fill the holdings are constant: until = min(n, max(tick + 1, its tick)).
      (local.set $until (local.get $n))
      (if (i32.lt_s (local.get $next) (local.get $fills)) (then
        (local.set $f (i32.load (i32.add (local.get $ledger) (i32.shl (local.get $next) (i32.const 2)))))
        (if (i32.lt_s (local.get $f) (i32.add (local.get $tick) (i32.const 1))) (then (local.set $f (i32.add (local.get $tick) (i32.const 1)))))
        (if (i32.lt_s (local.get $f) (local.get $n)) (then (local.set $until (local.get $f))))))
      (local.set $lo (local.get $tick))
      (if (i32.lt_s (local.get $lo) (local.get $i0)) (then (local.set $lo (local.get $i0))))
      (if (i32.and (f64.gt (local.get $open) (f64.const 0)) (i32.gt_s (local.get $until) (local.get $lo)))
        (then (local.set $expo (i32.add (local.get $expo) (i32.sub (local.get $until) (local.get $lo))))))
      ;; One held stream: its units and closes, for the fast path of the curve.
      (if (i32.eq (local.get $k) (i32.const 1)) (then
        (local.set $s (i32.load (local.get $held)))
        (local.set $u (f64.load (i32.add (local.get $units) (i32.shl (local.get $s) (i32.const 3)))))
        (local.set $c (i32.add (local.get $close) (i32.mul (local.get $s) (local.get $nb))))))
      (local.set $t (local.get $lo))
      (block $points (loop $point
        (br_if $points (i32.ge_s (local.get $t) (local.get $until)))
        ;; Nothing held, past the stretch's first point: every point left equals the one before
        ;; (e = cash = prevE), so with prevE > 0 each return is exactly +0, which leaves sumR as
        ;; it is (sumR is never -0). At the peak, each point is the new peak, a gap of 1 (no
        ;; duration); under water, e / peak - 1 is the value already compared with maxDd, and
        ;; the bound is unchanged. $tsOk (checked by the caller once per marks) stands for the
        ;; per-point time checks.
        (if (i32.and (i32.and (i32.eqz (local.get $k)) (local.get $tsOk))
                     (i32.and (i32.gt_s (local.get $t) (local.get $lo)) (i32.gt_s (local.get $t) (local.get $i0))))
          (then (if (f64.gt (local.get $prevE) (f64.const 0)) (then
            (memory.fill
              (i32.add (local.get $ret) (i32.shl (i32.sub (i32.sub (local.get $t) (local.get $i0)) (i32.const 1)) (i32.const 3)))
              (i32.const 0)
              (i32.shl (i32.sub (local.get $until) (local.get $t)) (i32.const 3)))
            (local.set $tt (f64.load (i32.add (local.get $ts) (i32.shl (i32.sub (local.get $until) (i32.const 1)) (i32.const 3)))))
            (if (i32.eq (local.get $peakIdx) (i32.sub (local.get $t) (i32.const 1))) (then
              (local.set $peakIdx (i32.sub (local.get $until) (i32.const 1)))
              (local.set $peakTs (local.get $tt))))
            (local.set $prevT (local.get $tt))
            (br $points)))))
        ;; One held stream, tick times checked (as above), past the curve's first point: the rest
        ;; of the stretch in a tight loop, the same operations as the generic path below less its
        ;; time checks (which $tsOk stands for) and its branch on k; a tick's time is read only
        ;; where it is used, at a new peak. Most points of an always-invested portfolio are here.
        (if (i32.and (i32.and (i32.eq (local.get $k) (i32.const 1)) (local.get $tsOk)) (i32.gt_s (local.get $t) (local.get $i0)))
          (then
            ;; running addresses of close[t] and ret[t - i0 - 1], and the end of the stretch's closes
            (local.set $cp (i32.add (local.get $c) (i32.shl (local.get $t) (i32.const 3))))
            (local.set $rp (i32.add (local.get $ret) (i32.shl (i32.sub (i32.sub (local.get $t) (local.get $i0)) (i32.const 1)) (i32.const 3))))
            (local.set $cend (i32.add (local.get $c) (i32.shl (local.get $until) (i32.const 3))))
            (loop $fast
              (local.set $e (f64.add (local.get $cash)
                (f64.mul (local.get $u) (f64.load (local.get $cp)))))
              (if (f64.ne (f64.sub (local.get $e) (local.get $e)) (f64.const 0))
                (then (return (i32.sub (i32.shr_u (i32.sub (local.get $cp) (local.get $c)) (i32.const 3)) (local.get $i0)))))
              (if (f64.gt (local.get $prevE) (f64.const 0))
                (then
                  (local.set $r (f64.sub (f64.div (local.get $e) (local.get $prevE)) (f64.const 1)))
                  (f64.store (local.get $rp) (local.get $r))
                  (local.set $sumR (f64.add (local.get $sumR) (local.get $r))))
                (else (local.set $defined (i32.const 0))))
              (if (f64.ge (local.get $e) (local.get $peak))
                (then
                  (local.set $t (i32.shr_u (i32.sub (local.get $cp) (local.get $c)) (i32.const 3)))
                  (local.set $tt (f64.load (i32.add (local.get $ts) (i32.shl (local.get $t) (i32.const 3)))))
                  (local.set $gap (i32.sub (local.get $t) (local.get $peakIdx)))
                  (if (i32.gt_s (local.get $gap) (i32.const 1)) (then
                    (if (i32.gt_s (local.get $gap) (local.get $ddp)) (then (local.set $ddp (local.get $gap))))
                    (if (f64.gt (f64.sub (local.get $tt) (local.get $peakTs)) (local.get $ddMs))
                      (then (local.set $ddMs (f64.sub (local.get $tt) (local.get $peakTs)))))))
                  (local.set $peak (local.get $e))
                  (local.set $peakIdx (local.get $t))
                  (local.set $peakTs (local.get $tt))
                  (local.set $bound (f64.add (f64.mul (local.get $peak) (f64.add (f64.const 1) (local.get $maxDd))) (f64.mul (local.get $peak) (f64.const 1e-9)))))
                (else (if (f64.lt (local.get $e) (local.get $bound)) (then
                  (local.set $dd (f64.sub (f64.div (local.get $e) (local.get $peak)) (f64.const 1)))
                  (if (f64.lt (local.get $dd) (local.get $maxDd)) (then
                    (local.set $maxDd (local.get $dd))
                    (local.set $bound (f64.add (f64.mul (local.get $peak) (f64.add (f64.const 1) (local.get $maxDd))) (f64.mul (local.get $peak) (f64.const 1e-9))))))))))
              (local.set $prevE (local.get $e))
              (local.set $cp (i32.add (local.get $cp) (i32.const 8)))
              (local.set $rp (i32.add (local.get $rp) (i32.const 8)))
              (br_if $fast (i32.lt_u (local.get $cp) (local.get $cend))))
            (local.set $t (local.get $until))
            (local.set $prevT (f64.load (i32.add (local.get $ts) (i32.shl (i32.sub (local.get $until) (i32.const 1)) (i32.const 3)))))
            (br $points)))
        (local.set $tt (f64.load (i32.add (local.get $ts) (i32.shl (local.get $t) (i32.const 3)))))
        ;; equity = cash + units * close of each held stream, in the order first held (equityAt)
        (if (i32.eqz (local.get $k))
          (then (local.set $e (local.get $cash)))
          (else (if (i32.eq (local.get $k) (i32.const 1))
            (then (local.set $e (f64.add (local.get $cash)
              (f64.mul (local.get $u) (f64.load (i32.add (local.get $c) (i32.shl (local.get $t) (i32.const 3))))))))
            (else
              (local.set $e (local.get $cash))
              (local.set $j (i32.const 0))
              (block $summed (loop $sum
                (br_if $summed (i32.ge_s (local.get $j) (local.get $k)))
                (local.set $s (i32.load (i32.add (local.get $held) (i32.shl (local.get $j) (i32.const 2)))))
                (local.set $e (f64.add (local.get $e) (f64.mul
                  (f64.load (i32.add (local.get $units) (i32.shl (local.get $s) (i32.const 3))))
                  (f64.load (i32.add (i32.add (local.get $close) (i32.mul (local.get $s) (local.get $nb))) (i32.shl (local.get $t) (i32.const 3)))))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $sum)))))))
        (if (i32.eq (local.get $t) (local.get $i0))
          (then
            ;; The curve's first point: finite, initial equity > 0 (computeMetrics' checks).
            (if (i32.eqz (i32.and (i32.and (f64.eq (f64.sub (local.get $e) (local.get $e)) (f64.const 0)) (f64.gt (local.get $e) (f64.const 0)))
                                  (f64.eq (f64.sub (local.get $tt) (local.get $tt)) (f64.const 0))))
              (then (return (i32.const 0))))
            (local.set $initial (local.get $e))
            (local.set $peak (local.get $e))
            (local.set $peakIdx (local.get $t))
            (local.set $peakTs (local.get $tt))
            (local.set $bound (f64.add (f64.mul (local.get $peak) (f64.add (f64.const 1) (local.get $maxDd))) (f64.mul (local.get $peak) (f64.const 1e-9)))))
          (else
            ;; computeMetrics' curvePass, point t
            (if (i32.eqz (i32.and (i32.and (f64.eq (f64.sub (local.get $e) (local.get $e)) (f64.const 0)) (f64.eq (f64.sub (local.get $tt) (local.get $tt)) (f64.const 0)))
                                  (f64.ge (local.get $tt) (local.get $prevT))))
              (then (return (i32.sub (local.get $t) (local.get $i0)))))
            (if (f64.gt (local.get $prevE) (f64.const 0))
              (then
                (local.set $r (f64.sub (f64.div (local.get $e) (local.get $prevE)) (f64.const 1)))
                (f64.store (i32.add (local.get $ret) (i32.shl (i32.sub (i32.sub (local.get $t) (local.get $i0)) (i32.const 1)) (i32.const 3))) (local.get $r))
                (local.set $sumR (f64.add (local.get $sumR) (local.get $r))))
              (else (local.set $defined (i32.const 0))))
            (if (f64.ge (local.get $e) (local.get $peak))
              (then
                (local.set $gap (i32.sub (local.get $t) (local.get $peakIdx)))
                (if (i32.gt_s (local.get $gap) (i32.const 1)) (then
                  (if (i32.gt_s (local.get $gap) (local.get $ddp)) (then (local.set $ddp (local.get $gap))))
                  (if (f64.gt (f64.sub (local.get $tt) (local.get $peakTs)) (local.get $ddMs))
                    (then (local.set $ddMs (f64.sub (local.get $tt) (local.get $peakTs)))))))
                (local.set $peak (local.get $e))
                (local.set $peakIdx (local.get $t))
                (local.set $peakTs (local.get $tt))
                (local.set $bound (f64.add (f64.mul (local.get $peak) (f64.add (f64.const 1) (local.get $maxDd))) (f64.mul (local.get $peak) (f64.const 1e-9)))))
              (else (if (f64.lt (local.get $e) (local.get $bound)) (then
                (local.set $dd (f64.sub (f64.div (local.get $e) (local.get $peak)) (f64.const 1)))
                (if (f64.lt (local.get $dd) (local.get $maxDd)) (then
                  (local.set $maxDd (local.get $dd))
                  (local.set $bound (f64.add (f64.mul (local.get $peak) (f64.add (f64.const 1) (local.get $maxDd))) (f64.mul (local.get $peak) (f64.const 1e-9))))))))))))
        (local.set $prevE (local.get $e))
        (local.set $prevT (local.get $tt))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $point)))
      (local.set $tick (local.get $until))
      (br $stretch)))
    ;; Still under water at the last point: the stretch runs to it.
    (local.set $gap (i32.sub (i32.sub (local.get $n) (i32.const 1)) (local.get $peakIdx)))
    (if (i32.gt_s (local.get $gap) (i32.const 0)) (then
      (if (i32.gt_s (local.get $gap) (local.get $ddp)) (then (local.set $ddp (local.get $gap))))
      (if (f64.gt (f64.sub (local.get $prevT) (local.get $peakTs)) (local.get $ddMs))
        (then (local.set $ddMs (f64.sub (local.get $prevT) (local.get $peakTs)))))))
    (f64.store (local.get $out) (local.get $initial))
    (f64.store offset=8 (local.get $out) (local.get $prevE))
    (f64.store offset=16 (local.get $out) (local.get $sumR))
    (f64.store offset=24 (local.get $out) (local.get $maxDd))
    (f64.store offset=32 (local.get $out) (f64.convert_i32_s (local.get $ddp)))
    (f64.store offset=40 (local.get $out) (local.get $ddMs))
    (f64.store offset=48 (local.get $out) (f64.convert_i32_s (local.get $expo)))
    (f64.store offset=56 (local.get $out) (f64.convert_i32_s (local.get $defined)))
    (i32.const -1))

  ;; computeMetrics' dispersion: the centred sum of squares of the m returns and the sum of
  ;; squared shortfalls below rf per period, into out[8] and out[9].
  (func (export "dispersion") (param $ret i32) (param $m i32) (param $mean f64) (param $rf f64) (param $out i32)
    (local $p i32) (local $end i32) (local $r f64) (local $d f64) (local $x f64) (local $below f64) (local $ss f64) (local $downside f64)
    ;; a running address and one branch per return
    (local.set $p (local.get $ret))
    (local.set $end (i32.add (local.get $ret) (i32.shl (local.get $m) (i32.const 3))))
    (if (i32.gt_s (local.get $m) (i32.const 0)) (then
      (loop $l
        (local.set $r (f64.load (local.get $p)))
        (local.set $d (f64.sub (local.get $r) (local.get $mean)))
        (local.set $ss (f64.add (local.get $ss) (f64.mul (local.get $d) (local.get $d))))
        (local.set $x (f64.sub (local.get $r) (local.get $rf)))
        (local.set $below (f64.mul (f64.sub (local.get $x) (f64.abs (local.get $x))) (f64.const 0.5)))
        (local.set $downside (f64.add (local.get $downside) (f64.mul (local.get $below) (local.get $below))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br_if $l (i32.lt_u (local.get $p) (local.get $end))))))
    (f64.store offset=64 (local.get $out) (local.get $ss))
    (f64.store offset=72 (local.get $out) (local.get $downside)))
)
