;; bench-sieve.wat -- the sieve of Eratosthenes over bytes of memory, up to
;; n (< 4 MiB), repeated `reps` times; returns the number of primes.
(module
  (memory 64)
  (func (export "sieve") (param $n i32) (param $reps i32) (result i32)
    (local $i i32) (local $j i32) (local $count i32) (local $r i32)
    (loop $rep
      (memory.fill (i32.const 0) (i32.const 1) (local.get $n))
      (local.set $count (i32.const 0))
      (local.set $i (i32.const 2))
      (block $done
        (loop $outer
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (if (i32.load8_u (local.get $i))
            (then
              (local.set $count (i32.add (local.get $count) (i32.const 1)))
              (local.set $j (i32.mul (local.get $i) (local.get $i)))
              (block $marked
                ;; i * i would overflow: nothing left to mark
                (br_if $marked (i32.gt_u (local.get $i) (i32.const 46340)))
                (loop $inner
                  (br_if $marked (i32.ge_u (local.get $j) (local.get $n)))
                  (i32.store8 (local.get $j) (i32.const 0))
                  (local.set $j (i32.add (local.get $j) (local.get $i)))
                  (br $inner)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $outer)))
      (local.tee $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $rep (i32.lt_u (local.get $reps))))
    (local.get $count)))
