;; bench-matrix.wat -- nested loops with memory access: n x n i32 matrix
;; multiplication (n <= 128), repeated `reps` times; returns a checksum.
(module
  (memory 4)
  (func (export "matmul") (param $n i32) (param $reps i32) (result i32)
    (local $i i32) (local $j i32) (local $k i32) (local $sum i32) (local $r i32)
    (local $a i32) (local $b i32) (local $c i32) (local $check i32)
    (local.set $b (i32.mul (i32.mul (local.get $n) (local.get $n)) (i32.const 4)))
    (local.set $c (i32.mul (local.get $b) (i32.const 2)))
    ;; A[i][j] = i + j, B[i][j] = i - j
    (block $filled
      (loop $fill_i
        (br_if $filled (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $j (i32.const 0))
        (block $row
          (loop $fill_j
            (br_if $row (i32.ge_u (local.get $j) (local.get $n)))
            (i32.store
              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2))
              (i32.add (local.get $i) (local.get $j)))
            (i32.store
              (i32.add (local.get $b)
                (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2)))
              (i32.sub (local.get $i) (local.get $j)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $fill_j)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $fill_i)))
    (loop $rep
      (local.set $i (i32.const 0))
      (loop $li
        (local.set $j (i32.const 0))
        (loop $lj
          (local.set $sum (i32.const 0))
          (local.set $k (i32.const 0))
          (loop $lk
            (local.set $sum
              (i32.add (local.get $sum)
                (i32.mul
                  (i32.load (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $k)) (i32.const 2)))
                  (i32.load (i32.add (local.get $b)
                    (i32.shl (i32.add (i32.mul (local.get $k) (local.get $n)) (local.get $j)) (i32.const 2)))))))
            (local.tee $k (i32.add (local.get $k) (i32.const 1)))
            (br_if $lk (i32.lt_u (local.get $n))))
          (i32.store (i32.add (local.get $c)
                       (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2)))
                     (local.get $sum))
          (local.set $check (i32.add (i32.rotl (local.get $check) (i32.const 1)) (local.get $sum)))
          (local.tee $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $lj (i32.lt_u (local.get $n))))
        (local.tee $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $li (i32.lt_u (local.get $n))))
      (local.tee $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $rep (i32.lt_u (local.get $reps))))
    (local.get $check)))
