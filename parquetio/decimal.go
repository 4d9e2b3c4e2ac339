package parquetio

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Other writers keep decimal numbers as DECIMAL(p,s) (DuckDB writes every
// decimal literal so): an integer of p digits, s of them after the point,
// in an INT32, an INT64 or a big-endian two's-complement byte array. A
// custom number is a float64, and a DECIMAL reads as the nearest one, as
// JSON Lines reads a number's digits.

// pow10s are the powers of ten a float64 holds exactly.
var pow10s = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// decimalInt is the DECIMAL of unscaled value n at scale as the nearest
// float64, which every int64 has.
func decimalInt(n int64, scale int32) float64 {
	// An integer and a power of ten both exact make one correctly
	// rounded division; otherwise the digits are parsed.
	if n >= -1<<53 && n <= 1<<53 && scale >= 0 && int(scale) < len(pow10s) {
		return float64(n) / pow10s[scale]
	}
	f, _ := strconv.ParseFloat(strconv.FormatInt(n, 10)+"e"+strconv.Itoa(-int(scale)), 64)
	return f
}

// decimalBytes is the DECIMAL of unscaled value b, big-endian two's
// complement, at scale as the nearest float64; it returns why when b is
// empty or the number is beyond a float64's range.
func decimalBytes(b []byte, scale int32) (float64, string) {
	if len(b) == 0 {
		return 0, "is an empty DECIMAL"
	}
	if len(b) <= 8 {
		n := int64(int8(b[0])) // sign-extended
		for _, x := range b[1:] {
			n = n<<8 | int64(x)
		}
		return decimalInt(n, scale), ""
	}
	n := new(big.Int).SetBytes(b)
	if b[0]&0x80 != 0 {
		n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	digits := n.String()
	f, err := strconv.ParseFloat(digits+"e"+strconv.Itoa(-int(scale)), 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, decimalText(digits, scale) + " is out of range"
	}
	return f, ""
}

// decimalText writes the unscaled digits (perhaps signed) at scale as a
// decimal number, for a message.
func decimalText(digits string, scale int32) string {
	sign := ""
	if strings.HasPrefix(digits, "-") {
		sign, digits = "-", digits[1:]
	}
	if scale <= 0 || scale > 1000 {
		if scale == 0 {
			return sign + digits
		}
		return sign + digits + "e" + strconv.Itoa(-int(scale))
	}
	if s := int(scale); len(digits) <= s {
		digits = strings.Repeat("0", s-len(digits)+1) + digits
	}
	cut := len(digits) - int(scale)
	return sign + digits[:cut] + "." + digits[cut:]
}
