;; greeter: the smallest useful plugin.  It needs one host import, env.log
;; (a UTF-8 string given as pointer and length in the plugin's memory), and
;; has no WASI imports at all.
(module
  (import "env" "log" (func $log (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "Hello from Wasm!")

  ;; greet(n): logs "Hello from Wasm!" once and returns n * 2.
  (func (export "greet") (param $n i32) (result i32)
    (call $log (i32.const 16) (i32.const 16))
    (i32.mul (local.get $n) (i32.const 2)))

  ;; fib(n): the n-th Fibonacci number, recursively (something to time in
  ;; each mode).
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
)
