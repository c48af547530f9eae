package aws

import (
	"context"
	"errors"
	"math"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	"golang.org/x/time/rate"

	"github.com/custos-dev/custos/internal/inventory"
)

// limiters hold one token bucket per account, region and operation.
type limiters struct {
	rates map[string]float64
	mu    sync.Mutex
	m     map[string]*rate.Limiter
}

func newLimiters(rates map[string]float64) *limiters {
	return &limiters{rates: rates, m: map[string]*rate.Limiter{}}
}

// get returns the bucket of an operation, or nil when it is not limited.
func (l *limiters) get(account, region, service, op string) *rate.Limiter {
	r, ok := l.rates[service+":"+op]
	if !ok {
		r = l.rates[service]
	}
	if r <= 0 {
		return nil
	}
	key := account + "/" + region + "/" + service + ":" + op
	l.mu.Lock()
	defer l.mu.Unlock()
	lim := l.m[key]
	if lim == nil {
		lim = rate.NewLimiter(rate.Limit(r), int(math.Max(1, math.Ceil(r))))
		l.m[key] = lim
	}
	return lim
}

// limitMiddleware makes every attempt of a call wait for its operation's rate limit,
// then for a free slot among the calls in flight. It sits after the retry loop and
// before signing, so that a retry waits too and a signature is never stale.
func (r *run) limitMiddleware(account, region, service string) func(*middleware.Stack) error {
	return func(st *middleware.Stack) error {
		return st.Finalize.Insert(middleware.FinalizeMiddlewareFunc("custos/limit",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				if lim := r.limits.get(account, region, service, middleware.GetOperationName(ctx)); lim != nil {
					if err := lim.Wait(ctx); err != nil {
						return middleware.FinalizeOutput{}, middleware.Metadata{}, err
					}
				}
				select {
				case r.sem <- struct{}{}:
				case <-ctx.Done():
					return middleware.FinalizeOutput{}, middleware.Metadata{}, ctx.Err()
				}
				defer func() { <-r.sem }()
				return next.HandleFinalize(ctx, in)
			}), "Signing", middleware.Before)
	}
}

// classify maps a failed call to a coverage status by the API error code.
func classify(err error) inventory.CoverageStatus {
	var api smithy.APIError
	if !errors.As(err, &api) {
		return inventory.CoverageFailed
	}
	code := api.ErrorCode()
	switch code {
	case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError", "AuthorizationErrorException":
		return inventory.CoverageDenied
	case "UnrecognizedClientException", "InvalidClientTokenId":
		// A region that is not enabled for an account refuses the account's credentials,
		// which were accepted elsewhere (the caller's identity was read first).
		return inventory.CoverageNotEnabled
	}
	if _, ok := retry.DefaultThrottleErrorCodes[code]; ok {
		return inventory.CoverageThrottled
	}
	return inventory.CoverageFailed
}
