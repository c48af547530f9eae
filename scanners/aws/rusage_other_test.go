//go:build !unix

package aws_test

import "time"

// cpuTime is not measured here.
func cpuTime() time.Duration { return 0 }

// maxRSS is not measured here.
func maxRSS() int64 { return 0 }
