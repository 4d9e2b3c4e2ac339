// Package ahead runs a sequence on a goroutine of its own, ahead of the
// caller that ranges over it: a generator and a writer then each have a
// core, where ranging over the generator directly gives the writer's
// work and the generator's to one.
package ahead

import (
	"iter"
	"sync/atomic"
)

// depth is how many blocks the producer may fill before the consumer
// takes one: enough that neither waits for the other at each block, few
// enough that what is held stays small.
const depth = 4

// Seq yields the values of seq in their order, seq itself being ranged
// over on another goroutine that hands them over block values at a time.
// It holds at most depth+2 blocks, whose memory it reuses. When the
// caller stops early, seq is stopped at the next value it yields, and Seq
// returns once seq's goroutine has: nothing of seq runs after Seq
// returns. A panic in seq is raised again in the caller's goroutine. Each
// range over Seq ranges over seq once.
func Seq[T any](seq iter.Seq[T], block int) iter.Seq[T] {
	block = max(block, 1)
	return func(yield func(T) bool) {
		full := make(chan []T, depth)
		free := make(chan []T, depth+2)
		for range depth + 2 {
			free <- make([]T, 0, block)
		}
		stop := make(chan struct{})
		var stopped atomic.Bool   // stop is closed: seq is stopped at its next value
		done := make(chan any, 1) // the producer's panic, or nil
		go func() {
			var b []T // the block being filled
			defer close(full)
			defer func() {
				// A panic of seq comes after the values it yielded: the
				// caller gets them first, as ranging over seq would.
				p := recover()
				if p != nil && len(b) > 0 {
					select {
					case full <- b:
					case <-stop:
					}
				}
				done <- p
			}()
			// Every wait watches stop: a caller that stopped takes no
			// more blocks and gives none back.
			b = <-free
			for v := range seq {
				// A caller that stopped stops seq at once, not when a
				// block fills: a slow seq (a pipe) would hold it up.
				if stopped.Load() {
					return
				}
				if b = append(b, v); len(b) < block {
					continue
				}
				select {
				case full <- b:
					b = nil
				case <-stop:
					return
				}
				select {
				case b = <-free:
					b = b[:0]
				case <-stop:
					return
				}
			}
			if len(b) > 0 {
				select {
				case full <- b:
				case <-stop:
				}
			}
		}()
		finish := func() {
			stopped.Store(true)
			close(stop)
			for range full { // until the producer has returned
			}
			if p := <-done; p != nil {
				panic(p)
			}
		}
		defer finish()
		for b := range full {
			for _, v := range b {
				if !yield(v) {
					return
				}
			}
			free <- b[:0]
		}
	}
}
