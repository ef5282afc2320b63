;; test-runtime: the instance other test modules import from ("M").
(module
  (type $ret_i32 (func (result i32)))
  (table (export "tab") 10 funcref)
  (memory (export "mem") 1)
  (global (export "gi") i32 (i32.const 42))
  (func (export "inc") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func (export "call") (param i32) (result i32) (call_indirect (type $ret_i32) (local.get 0)))
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
)
