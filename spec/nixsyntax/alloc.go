package nixsyntax

// slab hands out values of T from chunks: an AST has many small nodes,
// and allocating them one by one costs more than parsing them. Chunks
// start small and double, so that parsing a short snippet stays cheap.
type slab[T any] struct {
	free []T
	size int
}

func (s *slab[T]) new() *T {
	if len(s.free) == 0 {
		s.size = min(max(2*s.size, 4), 128)
		s.free = make([]T, s.size)
	}
	v := &s.free[0]
	s.free = s.free[1:]
	return v
}

// slabs holds a slab for each of the most frequent nodes.
type slabs struct {
	names  slab[Name]
	vars   slab[Var]
	texts  slab[Text]
	binds  slab[Bind]
	sels   slab[Select]
	apps   slab[Apply]
	strs   slab[String]
	interp slab[Interpolation]
}
