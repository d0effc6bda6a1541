package tensor

// Elementwise operations on Dense tensors with NumPy broadcasting. Each
// operation has an allocating form (the result is a new contiguous tensor)
// and an Into form writing a destination of exactly the broadcast shape;
// the Into forms do not allocate. Operands may be arbitrary views (any
// strides, including 0 and negative); contiguous operands take the raw
// kernels' fast paths. A destination may be one of the operands (in place)
// when it has the broadcast shape; other overlaps give unspecified results.

// Binary returns op(a, b) broadcast, as a new tensor.
func Binary(op BinaryOp, a, b *Dense) (*Dense, error) {
	var sh [MaxDims]int
	out, err := BroadcastShapesInto(sh[:0], a.shape, b.shape)
	if err != nil {
		err.(*ShapeError).Op = "tensor." + op.String()
		return nil, err
	}
	dst := New(out, nil)
	binaryInto(op, dst, a, b)
	return dst, nil
}

// BinaryInto writes op(a, b) broadcast into dst, whose shape must be the
// broadcast shape of a and b. The error is a *ShapeError naming the shapes.
func BinaryInto(op BinaryOp, dst, a, b *Dense) error {
	if !op.Valid() {
		return newShapeError("tensor.BinaryInto", "invalid BinaryOp")
	}
	var sh [MaxDims]int
	out, err := BroadcastShapesInto(sh[:0], a.shape, b.shape)
	if err != nil {
		err.(*ShapeError).Op = "tensor." + op.String() + "Into"
		return err
	}
	if !ShapesEqual(out, dst.shape) {
		return newShapeError("tensor."+op.String()+"Into", "destination shape differs from the broadcast shape of the operands", dst.shape, a.shape, b.shape)
	}
	binaryInto(op, dst, a, b)
	return nil
}

// binaryInto assumes validated shapes.
func binaryInto(op BinaryOp, dst, a, b *Dense) {
	if dst.size == 0 {
		return
	}
	if dst.contig && a.contig && b.contig {
		applyBinary("BinaryInto", op, false, dst.data[dst.off:dst.off+dst.size], dst.shape,
			a.data[a.off:a.off+a.size], a.shape, b.data[b.off:b.off+b.size], b.shape)
		return
	}
	var l layout
	l.nd = len(dst.shape)
	copy(l.shape[:], dst.shape)
	copy(l.st[0][:], dst.strides)
	a.stridesFor(&l.st[1], dst.shape)
	b.stridesFor(&l.st[2], dst.shape)
	binaryLoop(op, false, &l, dst.data, dst.off, a.data, a.off, b.data, b.off)
}

// Unary returns op(a) as a new contiguous tensor.
func Unary(op UnaryOp, a *Dense) *Dense {
	dst := New(a.shape, nil)
	unaryInto(op, dst, a)
	return dst
}

// UnaryInto writes op(a) into dst. a must broadcast to dst's shape (usually
// they are equal). The error is a *ShapeError naming both shapes.
func UnaryInto(op UnaryOp, dst, a *Dense) error {
	if !op.Valid() {
		return newShapeError("tensor.UnaryInto", "invalid UnaryOp")
	}
	if !CanBroadcastTo(a.shape, dst.shape) {
		return newShapeError("tensor."+op.String()+"Into", "operand does not broadcast to the destination shape", dst.shape, a.shape)
	}
	unaryInto(op, dst, a)
	return nil
}

func unaryInto(op UnaryOp, dst, a *Dense) {
	if dst.size == 0 {
		return
	}
	if dst.contig && a.contig && dst.size == a.size {
		unV(op, dst.data[dst.off:dst.off+dst.size], a.data[a.off:a.off+a.size])
		return
	}
	var l layout
	l.nd = len(dst.shape)
	copy(l.shape[:], dst.shape)
	copy(l.st[0][:], dst.strides)
	a.stridesFor(&l.st[1], dst.shape)
	unaryLoop(op, &l, dst.data, dst.off, a.data, a.off)
}

// Add returns a + b (broadcast).
func Add(a, b *Dense) (*Dense, error) { return Binary(OpAdd, a, b) }

// AddInto sets dst = a + b (broadcast).
func AddInto(dst, a, b *Dense) error { return BinaryInto(OpAdd, dst, a, b) }

// Sub returns a - b (broadcast).
func Sub(a, b *Dense) (*Dense, error) { return Binary(OpSub, a, b) }

// SubInto sets dst = a - b (broadcast).
func SubInto(dst, a, b *Dense) error { return BinaryInto(OpSub, dst, a, b) }

// Mul returns a * b elementwise (broadcast).
func Mul(a, b *Dense) (*Dense, error) { return Binary(OpMul, a, b) }

// MulInto sets dst = a * b elementwise (broadcast).
func MulInto(dst, a, b *Dense) error { return BinaryInto(OpMul, dst, a, b) }

// Div returns a / b elementwise (broadcast).
func Div(a, b *Dense) (*Dense, error) { return Binary(OpDiv, a, b) }

// DivInto sets dst = a / b elementwise (broadcast).
func DivInto(dst, a, b *Dense) error { return BinaryInto(OpDiv, dst, a, b) }

// Pow returns a ** b elementwise (broadcast).
func Pow(a, b *Dense) (*Dense, error) { return Binary(OpPow, a, b) }

// PowInto sets dst = a ** b elementwise (broadcast).
func PowInto(dst, a, b *Dense) error { return BinaryInto(OpPow, dst, a, b) }

// Maximum returns the elementwise maximum (NaN if either is NaN).
func Maximum(a, b *Dense) (*Dense, error) { return Binary(OpMaximum, a, b) }

// MaximumInto sets dst to the elementwise maximum.
func MaximumInto(dst, a, b *Dense) error { return BinaryInto(OpMaximum, dst, a, b) }

// Minimum returns the elementwise minimum (NaN if either is NaN).
func Minimum(a, b *Dense) (*Dense, error) { return Binary(OpMinimum, a, b) }

// MinimumInto sets dst to the elementwise minimum.
func MinimumInto(dst, a, b *Dense) error { return BinaryInto(OpMinimum, dst, a, b) }

// Neg returns -a.
func Neg(a *Dense) *Dense { return Unary(OpNeg, a) }

// NegInto sets dst = -a.
func NegInto(dst, a *Dense) error { return UnaryInto(OpNeg, dst, a) }

// Exp returns e**a elementwise.
func Exp(a *Dense) *Dense { return Unary(OpExp, a) }

// ExpInto sets dst = e**a.
func ExpInto(dst, a *Dense) error { return UnaryInto(OpExp, dst, a) }

// Log returns ln a elementwise.
func Log(a *Dense) *Dense { return Unary(OpLog, a) }

// LogInto sets dst = ln a.
func LogInto(dst, a *Dense) error { return UnaryInto(OpLog, dst, a) }

// Log1p returns ln(1+a) elementwise.
func Log1p(a *Dense) *Dense { return Unary(OpLog1p, a) }

// Log1pInto sets dst = ln(1+a).
func Log1pInto(dst, a *Dense) error { return UnaryInto(OpLog1p, dst, a) }

// Sqrt returns √a elementwise.
func Sqrt(a *Dense) *Dense { return Unary(OpSqrt, a) }

// SqrtInto sets dst = √a.
func SqrtInto(dst, a *Dense) error { return UnaryInto(OpSqrt, dst, a) }

// Abs returns |a| elementwise.
func Abs(a *Dense) *Dense { return Unary(OpAbs, a) }

// AbsInto sets dst = |a|.
func AbsInto(dst, a *Dense) error { return UnaryInto(OpAbs, dst, a) }

// Tanh returns tanh a elementwise.
func Tanh(a *Dense) *Dense { return Unary(OpTanh, a) }

// TanhInto sets dst = tanh a.
func TanhInto(dst, a *Dense) error { return UnaryInto(OpTanh, dst, a) }

// Sigmoid returns 1/(1+e**-a) elementwise, stable for every a.
func Sigmoid(a *Dense) *Dense { return Unary(OpSigmoid, a) }

// SigmoidInto sets dst = sigmoid(a).
func SigmoidInto(dst, a *Dense) error { return UnaryInto(OpSigmoid, dst, a) }

// Softplus returns ln(1+e**a) elementwise, stable for every a.
func Softplus(a *Dense) *Dense { return Unary(OpSoftplus, a) }

// SoftplusInto sets dst = softplus(a).
func SoftplusInto(dst, a *Dense) error { return UnaryInto(OpSoftplus, dst, a) }

// Square returns a² elementwise.
func Square(a *Dense) *Dense { return Unary(OpSquare, a) }

// SquareInto sets dst = a².
func SquareInto(dst, a *Dense) error { return UnaryInto(OpSquare, dst, a) }
