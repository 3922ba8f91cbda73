// patchmetagen writes the strategic-merge metadata of every kind kubectl's
// scheme knows, for `patch --local` (src/apply/patchmeta.txt):
//
//	K<TAB>group/version<TAB>Kind<TAB>TypeID       a kind and its root struct
//	@TypeID                                       a struct, then its fields
//	json<TAB>type<TAB>patchStrategy<TAB>patchMergeKey
//
// Types are written as Go shapes: *T, []T, map[K]V, a struct's TypeID, or a
// basic kind (string, int64, …). Only fields that can hold objects or lists
// (or carry patch tags) are listed: the merge only looks up fields whose
// values are maps or lists on both sides.
//
//	cd scripts/patchmetagen && GOFLAGS=-mod=mod go run . > ../../src/apply/patchmeta.txt
package main

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/scheme"
)

var (
	ids   = map[reflect.Type]string{}
	queue []reflect.Type
)

func id(t reflect.Type) string {
	if s, ok := ids[t]; ok {
		return s
	}
	pkg := t.PkgPath()
	pkg = strings.TrimPrefix(pkg, "k8s.io/api/")
	pkg = strings.TrimPrefix(pkg, "k8s.io/apimachinery/pkg/apis/")
	pkg = strings.TrimPrefix(pkg, "k8s.io/apimachinery/pkg/")
	s := strings.ReplaceAll(pkg, "/", ".") + "." + t.Name()
	ids[t] = s
	queue = append(queue, t)
	return s
}

func shape(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Ptr:
		return "*" + shape(t.Elem())
	case reflect.Slice, reflect.Array:
		return "[]" + shape(t.Elem())
	case reflect.Map:
		return "map[" + shape(t.Key()) + "]" + shape(t.Elem())
	case reflect.Struct:
		return "@" + id(t)
	}
	return t.Kind().String()
}

// interesting: a field whose value can be a JSON object or list.
func interesting(t reflect.Type) bool {
	for t.Kind() == reflect.Ptr {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return !(t.Elem().Kind() == reflect.Uint8)
	case reflect.Map, reflect.Interface:
		return true
	case reflect.Struct:
		// Types that marshal to strings or numbers.
		switch t.String() {
		case "resource.Quantity", "v1.Time", "v1.MicroTime", "intstr.IntOrString", "v1.Duration":
			return false
		}
		return true
	}
	return false
}

// fields lists a struct's JSON fields as encoding/json sees them, with
// embedded structs without a JSON name inlined.
func fields(t reflect.Type, out *[]string) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name := strings.Split(tag, ",")[0]
		if name == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Ptr {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				fields(ft, out)
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		strategy := f.Tag.Get("patchStrategy")
		key := f.Tag.Get("patchMergeKey")
		if !interesting(f.Type) && strategy == "" && key == "" {
			continue
		}
		*out = append(*out, fmt.Sprintf("%s\t%s\t%s\t%s", name, shape(f.Type), strategy, key))
	}
}

func main() {
	s := runtime.NewScheme()
	metav1.AddToGroupVersion(s, metav1.SchemeGroupVersion)
	if err := scheme.AddToScheme(s); err != nil {
		panic(err)
	}
	var kinds []string
	for gvk, t := range s.AllKnownTypes() {
		if gvk.Version == runtime.APIVersionInternal || strings.HasSuffix(gvk.Kind, "List") ||
			gvk.Kind == "WatchEvent" || strings.HasSuffix(gvk.Kind, "Options") || gvk.Kind == "Status" {
			continue
		}
		kinds = append(kinds, fmt.Sprintf("K\t%s\t%s\t%s", gvk.GroupVersion().String(), gvk.Kind, id(t)))
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Println(k)
	}
	done := map[reflect.Type]bool{}
	var blocks []string
	for len(queue) > 0 {
		t := queue[0]
		queue = queue[1:]
		if done[t] {
			continue
		}
		done[t] = true
		var lines []string
		fields(t, &lines)
		blocks = append(blocks, "@"+id(t)+"\n"+strings.Join(lines, "\n"))
	}
	sort.Strings(blocks)
	for _, b := range blocks {
		fmt.Println(strings.TrimRight(b, "\n"))
	}
}
