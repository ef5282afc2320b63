;; Imports env.log with another type than plugin.wat does: both must link.
(module
  (import "env" "log" (func $log (param i32) (result i32)))
  (func (export "go") (param i32) (result i32)
    (call $log (local.get 0))))
