;; valid-control.wat -- structured control, multi-value blocks and the
;; spec's unreachable-code typing; each function must validate.
(module
  (type $i-ii (func (param i32) (result i32 i32)))
  (type $ii-i (func (param i32 i32) (result i32)))

  (func $blocks (param i32) (result i32)
    (block $b (result i32)
      (loop $l (result i32)
        (br_if $b (i32.const 1) (i32.eqz (local.get 0)))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br $l)))
    (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2)))
    (i32.add))

  (func $multi-value (param i32) (result i32)
    (local.get 0)
    (block (type $i-ii) (i32.const 2))
    (if (type $ii-i) (local.get 0) (then (i32.add)) (else (i32.sub)))
    (i32.const 3)
    (loop (type $ii-i) (i32.mul) (br_if 0 (i32.const 0) (i32.const 0) (i32.const 0)) (drop) (drop))
    (if (param i32) (result i32) (local.get 0) (then (i32.const 1) (i32.add))))

  (func $br-table (param i32) (result i32)
    (block $a (result i32)
      (block $b (result i32)
        (block $c (result i32)
          (br_table $a $b $c $b (i32.const 10) (local.get 0)))
        (drop) (i32.const 11))
      (drop) (i32.const 12)))

  (func $unreachable-typing (param i32) (result i32)
    (block (result i32)
      (unreachable)
      (i32.add)        ;; pops Unknown twice
      (drop)
      (select)         ;; Unknown operands
      (br_table 0 0)
    )
    (block (result f64) (return (i32.const 1)) (f64.const 1) (i64.const 2) (drop))
    (drop)
    (br 0)
    (i32.add))          ;; operands of unreachable code are Unknown

  (func $return-in-loop (param i32) (result i32)
    (loop (result i32) (return (local.get 0))))
)
