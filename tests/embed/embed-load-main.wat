;; embed-load-main.wat -- imports from a module nobody registered: the
;; module reader loads it.
(module
  (import "embed-load-lib" "add" (func $add (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "add3") (param i32 i32 i32) (result i32)
    (call $add (call $add (local.get 0) (local.get 1)) (local.get 2))))
