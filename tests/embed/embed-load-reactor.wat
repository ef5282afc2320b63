;; embed-load-reactor.wat -- a WASI reactor: instantiation runs _initialize.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
  (memory (export "memory") 1)
  (global $ready (mut i32) (i32.const 0))
  (func (export "_initialize") (global.set $ready (i32.add (global.get $ready) (i32.const 42))))
  (func (export "ready") (result i32) (global.get $ready)))
