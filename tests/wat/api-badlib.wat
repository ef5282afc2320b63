;; Exports the names api-user.wat imports from "lib", "inc" with the wrong
;; kind (a global, not a function): linking must say "incompatible import type".
(module
  (memory (export "memory") 1)
  (global (export "inc") i32 (i32.const 0))
)
