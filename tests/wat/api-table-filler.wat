;; api-table-filler.wat -- writes its own function into the imported table,
;; then fails instantiation with an out-of-bounds data segment.  The spec
;; keeps the table entry callable, so the failed instance and its module must
;; outlive wasm_runtime_unload.
(module
  (import "host" "table" (table 4 funcref))
  (memory 1)
  (func $answer (result i32) (i32.const 42))
  (elem (i32.const 1) $answer)
  (data (i32.const 65536) "x"))
