;; A WASI command that sleeps an hour in one poll_oneoff (a relative
;; monotonic clock) and, woken early, says so; test-wasi.c runs it under
;; the CLI's --timeout, which must end it at once.
(module
  (import "wasi_snapshot_preview1" "poll_oneoff"
    (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    ;; the subscription at 1024: userdata 0, tag 0 (clock), id 1, 3600 s
    (i32.store (i32.const 1040) (i32.const 1))
    (i64.store (i32.const 1048) (i64.const 3600000000000))
    (drop (call $poll_oneoff (i32.const 1024) (i32.const 2048) (i32.const 1) (i32.const 3072)))))
