package autodiff

// Op codes. Ranges group ops by the backward routine that handles them:
// Backward's outer switch dispatches on the range, the routine's switch on
// the op. Each range lives in its own file.
const (
	opConst Op = iota
	opParam
)

// Elementwise unary ops (unary.go): forward y = f(x), backward gx += g·f'(x).
const (
	opUnaryBase Op = 16 + iota
	opNeg
	opExp
	opLog
	opLog1p
	opExpm1
	opSqrt
	opSquare
	opReciprocal
	opAbs
	opTanh
	opSigmoid
	opLogSigmoid
	opSoftplus
	opRelu
	opLog1mexp
	opSin
	opCos
	opLgamma
	opDigamma
	opTrigamma
	opErf
	opErfc
	opLogNdtr
	opNdtri
	opAddConst  // x + k
	opMulConst  // k·x
	opPowConst  // x^k
	opRPowConst // k^x
	opClamp     // clamp(x, lo, hi): lo = k, hi = aux
	opFloor     // no gradient (zero)
	opLogit     // log(x/(1-x))
	opAtanh     // atanh(x)
	opAtan      // atan(x)
	opCosh      // cosh(x)
	opSinh      // sinh(x)
	opUnaryEnd
)

// Elementwise binary ops with broadcasting (binary.go).
const (
	opBinaryBase Op = 96 + iota
	opAdd
	opSub
	opMul
	opDiv
	opPow
	opLogAddExp
	opXlogy
	opMaximum
	opMinimum
	opAtan2
	opWhere // c = condition (nonzero = true) as a constant node index; a if true else b
	opLbeta // log B(a, b)
	opBinaryEnd
)

// Everything else (backOther): shape ops, reductions, linear algebra.
// Each group's file declares its codes from its own base.
const (
	opShapeBase  Op = 160 // shape.go
	opReduceBase Op = 224 // reduce.go
	opLinalgBase Op = 288 // linalg.go
	opMiscBase   Op = 352 // misc ops (fused kernels, special multi-input ops)
	opMax        Op = 512
)

var opNames [opMax]string

func init() {
	for op, name := range map[Op]string{
		opConst: "Const", opParam: "Param",
		opNeg: "Neg", opExp: "Exp", opLog: "Log", opLog1p: "Log1p", opExpm1: "Expm1",
		opSqrt: "Sqrt", opSquare: "Square", opReciprocal: "Reciprocal", opAbs: "Abs",
		opTanh: "Tanh", opSigmoid: "Sigmoid", opLogSigmoid: "LogSigmoid", opSoftplus: "Softplus",
		opRelu: "Relu", opLog1mexp: "Log1mexp", opSin: "Sin", opCos: "Cos",
		opLgamma: "Lgamma", opDigamma: "Digamma", opTrigamma: "Trigamma", opErf: "Erf",
		opErfc: "Erfc", opLogNdtr: "LogNdtr", opNdtri: "Ndtri", opAddConst: "AddConst",
		opMulConst: "MulConst", opPowConst: "PowConst", opRPowConst: "RPowConst", opClamp: "Clamp",
		opFloor: "Floor", opLogit: "Logit", opAtanh: "Atanh", opAtan: "Atan", opCosh: "Cosh", opSinh: "Sinh",
		opAdd: "Add", opSub: "Sub", opMul: "Mul", opDiv: "Div", opPow: "Pow",
		opLogAddExp: "LogAddExp", opXlogy: "Xlogy", opMaximum: "Maximum", opMinimum: "Minimum",
		opAtan2: "Atan2", opWhere: "Where", opLbeta: "Lbeta",
	} {
		opNames[op] = name
	}
}

// registerOpName lets each op file name its codes (used in error messages).
func registerOpName(op Op, name string) { opNames[op] = name }

func opName(op Op) string {
	if op < opMax && opNames[op] != "" {
		return opNames[op]
	}
	return "op"
}

// String is the op's name.
func (o Op) String() string { return opName(o) }

// backOther dispatches backward passes for shape, reduction, linear-algebra
// and miscellaneous ops.
func (t *Tape) backOther(i int32, nd *node) {
	switch {
	case nd.op < opReduceBase:
		t.backShape(i, nd)
	case nd.op < opLinalgBase:
		t.backReduce(i, nd)
	case nd.op < opMiscBase:
		t.backLinalg(i, nd)
	default:
		t.backMisc(i, nd)
	}
}
