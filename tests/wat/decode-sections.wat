;; Every section of the binary format, for test-decoder: imports of each
;; kind, definitions, exports of each kind, a start function, the eight
;; element segment encodings and the three data segment encodings.
(module
  (type $v_v (func))
  (type $ii_i (func (param i32 i32) (result i32)))
  (import "env" "add" (func $imp_add (type $ii_i)))
  (import "env" "table" (table $imp_table 2 funcref))
  (import "env" "memory" (memory $imp_mem 1 3))
  (import "env" "g" (global $imp_g i32))

  (table $t1 4 8 externref)
  (table $t2 5 funcref)

  (global $g_i32 (mut i32) (i32.const -7))
  (global $g_i64 i64 (i64.const 0x123456789))
  (global $g_f32 f32 (f32.const 1.5))
  (global $g_f64 f64 (f64.const -2.25))
  (global $g_null externref (ref.null extern))
  (global $g_func funcref (ref.null func))
  (global $g_get i32 (global.get $imp_g))

  (func $start (type $v_v))
  (func $sum (type $ii_i) (local i64 i64) (local f32)
    (i32.add (local.get 0) (local.get 1)))
  (func $elem_only (type $v_v))
  (func $declared (type $v_v))
  (func $unreferenced (type $v_v))
  (func $drop_data (data.drop 1))   ;; makes wat2wasm emit the data count section

  (export "sum" (func $sum))
  (export "table" (table $t2))
  (export "memory" (memory $imp_mem))
  (export "g" (global $g_i32))
  (start $start)

  (elem (i32.const 0) func $elem_only $sum)                  ;; 0
  (elem func $start)                                        ;; 1
  (elem (table $t2) (i32.const 1) func $start)              ;; 2
  (elem declare func $declared)                             ;; 3
  (elem (i32.const 1) funcref (ref.null func))              ;; 4
  (elem funcref (ref.null func) (ref.func $start))          ;; 5
  (elem (table $t1) (i32.const 2) externref (ref.null extern)) ;; 6
  (elem declare funcref (ref.null func))                    ;; 7

  (data (i32.const 16) "hello")                             ;; 0
  (data "passive")                                          ;; 1
  (data (memory $imp_mem) (i32.const 32) "\01\02\03")       ;; 2
)
