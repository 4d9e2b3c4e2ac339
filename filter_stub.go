package convreport

import (
	"errors"
	"time"
)

// TEMPORARY stub until filter.go lands.

type FilterEnv struct {
	Now  time.Time
	Zone *time.Location
}

type Filter struct{ src string }

func CompileFilter(s *Schema, src string) (*Filter, error) {
	if src == "" {
		return &Filter{}, nil
	}
	return nil, errors.New("stub")
}
func (f *Filter) String() string { return f.src }
func (f *Filter) plan() *pred    { return &pred{op: pTrue} }
func ConditionsExpr(s *Schema, cs []Condition) (string, error) {
	if len(cs) == 0 {
		return "", nil
	}
	return "", errors.New("stub")
}

type predOp int

const (
	pTrue predOp = iota
	pFalse
	pAnd
	pOr
	pNot
	pEq
	pNe
	pIn
	pNotIn
	pLt
	pLe
	pGt
	pGe
	pKnown
	pUnknown
	pContains
	pPrefix
	pSuffix
	pExpr
)

type pred struct {
	op   predOp
	prop Property
	vals []any
	kids []*pred
	res  *residual
}
type timeLit struct{ t time.Time }

func (t timeLit) at(env FilterEnv) time.Time { return t.t }

type residual struct{}

func (r *residual) match(c *Conversation, env FilterEnv) (bool, error) { return true, nil }
func (p *pred) eval(c *Conversation, env FilterEnv) (bool, error)      { return true, nil }
