;; test-runtime: one import of each kind, for the linking checks.
(module
  (import "env" "f" (func (param i32) (result i32)))
  (import "env" "tab" (table 2 20 funcref))
  (import "env" "mem" (memory 1 2))
  (import "env" "g" (global i32))
  (import "env" "gm" (global (mut i64)))
)
