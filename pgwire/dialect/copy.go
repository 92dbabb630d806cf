package dialect

import "strings"

// copyInfo parses COPY table [(columns)] FROM|TO STDIN|STDOUT|'file'|PROGRAM
// 'cmd' [[WITH] (options)] and COPY (query) TO ..., including the pre-9.0
// option syntax (WITH CSV HEADER DELIMITER ',').
func copyInfo(c *cursor) (Info, error) {
	c.next()
	info := Info{Command: CmdCopy, Tag: "COPY"}
	spec := &CopySpec{Options: map[string]string{}}
	info.Copy = spec
	if c.is("(") {
		open := c.i
		if !c.skipGroup() {
			return info, syntaxError(c.peek())
		}
		spec.Query = c.span(c.toks[open+1 : c.i-1])
	} else {
		c.accept("binary") // COPY BINARY t (7.x syntax)
		n, ok := c.qualifiedName()
		if !ok {
			return info, syntaxError(c.peek())
		}
		spec.Table = n
		if c.accept("(") {
			for {
				col, ok := c.name()
				if !ok {
					return info, syntaxError(c.peek())
				}
				spec.Columns = append(spec.Columns, col)
				if c.accept(")") {
					break
				}
				if !c.accept(",") {
					return info, syntaxError(c.peek())
				}
			}
		}
	}
	switch {
	case c.accept("from"):
		spec.From = true
	case c.accept("to"):
	default:
		return info, syntaxError(c.peek())
	}
	switch t := c.next(); {
	case t.Is("stdin") || t.Is("stdout"):
		spec.Stdio = true
	case t.Is("program"):
		spec.Program = true
		v, err := c.next().Value()
		if err != nil {
			return info, err
		}
		spec.File = v
	case t.Kind.IsString():
		v, err := t.Value()
		if err != nil {
			return info, err
		}
		spec.File = v
	default:
		return info, syntaxError(t)
	}
	info.Writes = spec.From
	c.accept("with")
	if c.is("(") {
		open := c.i
		if !c.skipGroup() {
			return info, syntaxError(c.peek())
		}
		for _, opt := range splitTopLevel(c.toks[open+1 : c.i-1]) {
			if len(opt) == 0 {
				return info, syntaxError(c.toks[open])
			}
			name := strings.ToLower(opt[0].Text)
			val := "true"
			if len(opt) > 1 {
				vals := make([]string, 0, len(opt)-1)
				for _, t := range opt[1:] {
					if t.IsOp("(") || t.IsOp(")") || t.IsOp(",") {
						continue
					}
					v, err := t.Value()
					if err != nil {
						return info, err
					}
					vals = append(vals, v)
				}
				val = strings.Join(vals, ",")
			}
			spec.Options[name] = val
		}
	} else {
		for !c.done() {
			t := c.next()
			switch {
			case t.Is("binary") || t.Is("csv"):
				spec.Options["format"] = strings.ToLower(t.Text)
			case t.Is("header"):
				spec.Options["header"] = "true"
			case t.Is("delimiter") || t.Is("null") || t.Is("quote") || t.Is("escape"):
				c.accept("as")
				v, err := c.next().Value()
				if err != nil {
					return info, err
				}
				spec.Options[strings.ToLower(t.Text)] = v
			case t.Is("force"):
				w := strings.ToLower(c.next().Text) // quote / not null / null
				if w == "not" {
					c.next()
					w = "not_null"
				}
				cols := nameList(c)
				if len(cols) == 0 && c.accept("*") {
					cols = []string{"*"}
				}
				spec.Options["force_"+w] = strings.Join(cols, ",")
			case t.Is("oids"):
				return info, unsupported(t.Pos, "COPY ... OIDS is not supported")
			default:
				return info, syntaxError(t)
			}
		}
	}
	if spec.Options["format"] == "" {
		spec.Options["format"] = "text"
	}
	return info, endOf(c)
}
