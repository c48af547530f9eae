package access

import (
	"context"
	"testing"
	"time"
)

func BenchmarkReviewBenignMonth(b *testing.B) {
	if err := writeBenign(); err != nil {
		b.Fatal(err)
	}
	eng, err := sharedEngine()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		_, err := Review(context.Background(), Options{Sources: []Source{Path(benignDir)}, Since: reviewStart, Until: reviewEnd, Baseline: 30 * 24 * time.Hour, Engine: eng, Config: defaultAccess(b)})
		if err != nil {
			b.Fatal(err)
		}
	}
}
