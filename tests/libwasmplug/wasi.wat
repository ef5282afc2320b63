;; The WASI test module of tests/libwasmplug: what a sandbox grants.
(module
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $prestat_dir_name (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "out.txt")
  (data (i32.const 200) "written by wasm\n")
  (global $initialized (mut i32) (i32.const 0))

  ;; A reactor's set-up: run once, before the plugin's first call.
  (func (export "_initialize")
    (global.set $initialized (i32.add (global.get $initialized) (i32.const 1))))
  (func (export "initialized") (result i32)
    (global.get $initialized))

  ;; The errno of fd_prestat_get on descriptor fd (0: a granted directory).
  (func (export "prestat") (param $fd i32) (result i32)
    (call $prestat_get (local.get $fd) (i32.const 0)))
  ;; The name of granted directory fd, written at 512 (its length returned).
  (func (export "dir_name") (param $fd i32) (result i32)
    (drop (call $prestat_get (local.get $fd) (i32.const 0)))
    (drop (call $prestat_dir_name (local.get $fd) (i32.const 512) (i32.load (i32.const 4))))
    (i32.load (i32.const 4)))
  (func (export "environ_count") (result i32)
    (drop (call $environ_sizes (i32.const 0) (i32.const 4)))
    (i32.load (i32.const 0)))
  (func (export "args_count") (result i32)
    (drop (call $args_sizes (i32.const 0) (i32.const 4)))
    (i32.load (i32.const 0)))
  ;; Creates out.txt in granted directory 3 and writes a line; the errno.
  (func (export "write_file") (result i32)
    (local $errno i32)
    (local.set $errno
      (call $path_open (i32.const 3) (i32.const 0) (i32.const 100) (i32.const 7)
                       (i32.const 9)        ;; O_CREAT | O_TRUNC
                       (i64.const 64)       ;; fd_write
                       (i64.const 0) (i32.const 0) (i32.const 16)))
    (if (local.get $errno) (then (return (local.get $errno))))
    (i32.store (i32.const 32) (i32.const 200))
    (i32.store (i32.const 36) (i32.const 16))
    (local.set $errno
      (call $fd_write (i32.load (i32.const 16)) (i32.const 32) (i32.const 1) (i32.const 40)))
    (drop (call $fd_close (i32.load (i32.const 16))))
    (local.get $errno))
  ;; Reads from stdin: the number of bytes read (an errno as its negation).
  (func (export "read_stdin") (result i32)
    (local $errno i32)
    (i32.store (i32.const 32) (i32.const 1024))
    (i32.store (i32.const 36) (i32.const 64))
    (local.set $errno (call $fd_read (i32.const 0) (i32.const 32) (i32.const 1) (i32.const 40)))
    (if (result i32) (local.get $errno)
      (then (i32.sub (i32.const 0) (local.get $errno)))
      (else (i32.load (i32.const 40)))))
)
