;; embed-load-shared.wat -- a shared memory (threads proposal), refused with
;; a message that says so.
(module (memory 1 2 shared))
