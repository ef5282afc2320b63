;; embed-load-memimport.wat -- its memory comes from the host
;; (wasm_runtime_create_memory, InstantiationArgs.imports).
(module
  (import "env" "mem" (memory 1 4))
  (func (export "peek") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "pages") (result i32) (memory.size)))
