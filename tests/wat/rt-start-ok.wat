;; test-runtime: a start function that runs to the end, after the segments.
(module
  (memory 1)
  (data (i32.const 0) "\05")
  (global $g (export "g") (mut i32) (i32.const 0))
  (func $start (global.set $g (i32.add (i32.load8_u (i32.const 0)) (i32.const 1))))
  (start $start)
)
