package enforcement

import (
	"sync"
	"time"
)

// Clock tells the current time. Every deadline computation and every
// escalation sweep reads time through a Clock so that tests and the dev
// server can move it without sleeping.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real wall clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// OffsetClock is the wall clock plus an offset that only grows. Tests and
// `jointops dev` use it to move time forward; moving it backward is refused
// so that deadlines that have passed stay passed.
type OffsetClock struct {
	mu     sync.Mutex
	offset time.Duration
	base   func() time.Time
}

// NewOffsetClock returns an OffsetClock starting at the wall clock, or at
// start when start is not zero.
func NewOffsetClock(start time.Time) *OffsetClock {
	c := &OffsetClock{base: time.Now}
	if !start.IsZero() {
		c.offset = time.Until(start)
	}
	return c
}

// Now returns the wall clock plus the offset.
func (c *OffsetClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.base().Add(c.offset)
}

// Advance moves the clock forward by d and returns the new time. It returns
// EINVALID for a negative d.
func (c *OffsetClock) Advance(d time.Duration) (time.Time, error) {
	if d < 0 {
		return time.Time{}, Errorf(EINVALID, "The clock only moves forward; got %s.", d).ZH("时钟只能向前拨动；实际为 %s。", d)
	}
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
	return c.Now(), nil
}
