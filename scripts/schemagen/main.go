// schemagen writes the wire shape of core/v1 types in the format of
// src/generate/schema/*.txt: `@Struct`, then `json<TAB>GoType<TAB>options`
// per field, `=Name<TAB>type` for named non-struct types.
//
//	cd scripts/schemagen && GOFLAGS=-mod=mod go run . Service > ../../src/generate/schema/service.txt
//	cd scripts/schemagen && GOFLAGS=-mod=mod go run . -Pod -Service ReplicationController \
//	    appsv1.Deployment appsv1.DaemonSet appsv1.StatefulSet appsv1.ReplicaSet batchv1.Job batchv1.CronJob \
//	    rbacv1.RoleBinding rbacv1.ClusterRoleBinding autoscalingv1.HorizontalPodAutoscaler \
//	    autoscalingv2.HorizontalPodAutoscaler > ../../src/generate/schema/workloads.txt
package main

import (
	"fmt"
	"os"
	"reflect"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
)

var seen = map[string]bool{}
var queue []reflect.Type
var aliases = map[string]bool{}

func name(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Ptr:
		return "*" + name(t.Elem())
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 && t.Name() == "" {
			return "[]byte"
		}
		if t.Name() == "" {
			return "[]" + name(t.Elem())
		}
	case reflect.Map:
		if t.Name() == "" {
			return "map[" + name(t.Key()) + "]" + name(t.Elem())
		}
	}
	if t.Name() == "" {
		return t.String()
	}
	pkg := t.PkgPath()
	switch {
	case pkg == "":
		return t.Name()
	case strings.HasSuffix(pkg, "k8s.io/api/core/v1"):
		return t.Name()
	case strings.HasSuffix(pkg, "k8s.io/api/apps/v1"):
		return "appsv1." + t.Name()
	case strings.HasSuffix(pkg, "k8s.io/api/batch/v1"):
		return "batchv1." + t.Name()
	case strings.HasSuffix(pkg, "k8s.io/api/rbac/v1"):
		return "rbacv1." + t.Name()
	case strings.HasSuffix(pkg, "k8s.io/api/autoscaling/v1"):
		return "autoscalingv1." + t.Name()
	case strings.HasSuffix(pkg, "k8s.io/api/autoscaling/v2"):
		return "autoscalingv2." + t.Name()
	case strings.HasSuffix(pkg, "apis/meta/v1"):
		return "metav1." + t.Name()
	case strings.HasSuffix(pkg, "api/resource"):
		return "resource." + t.Name()
	case strings.HasSuffix(pkg, "util/intstr"):
		return "intstr." + t.Name()
	case strings.HasSuffix(pkg, "pkg/types"):
		return "types." + t.Name()
	}
	return t.String()
}

func visit(t reflect.Type) {
	for t.Kind() == reflect.Ptr || (t.Kind() == reflect.Slice && t.Name() == "") || (t.Kind() == reflect.Map && t.Name() == "") {
		if t.Kind() == reflect.Map {
			visit(t.Key())
		}
		t = t.Elem()
	}
	n := name(t)
	if seen[n] {
		return
	}
	switch n {
	case "resource.Quantity", "intstr.IntOrString", "metav1.Time", "metav1.MicroTime", "metav1.FieldsV1":
		return
	}
	if t.Kind() == reflect.Struct {
		seen[n] = true
		queue = append(queue, t)
		return
	}
	if t.Name() != "" && t.PkgPath() != "" {
		seen[n] = true
		under := t.Kind().String()
		if t.Kind() == reflect.Map || t.Kind() == reflect.Slice {
			// A named map or slice: print its shape.
			if t.Kind() == reflect.Map {
				under = "map[" + name(t.Key()) + "]" + name(t.Elem())
				visit(t.Key())
				visit(t.Elem())
			} else {
				under = "[]" + name(t.Elem())
				visit(t.Elem())
			}
		}
		pending = append(pending, fmt.Sprintf("=%s\t%s", n, under))
	}
}

var pending []string

func main() {
	types := map[string]reflect.Type{
		"Pod":                                   reflect.TypeOf(corev1.Pod{}),
		"Service":                               reflect.TypeOf(corev1.Service{}),
		"ReplicationController":                 reflect.TypeOf(corev1.ReplicationController{}),
		"appsv1.Deployment":                     reflect.TypeOf(appsv1.Deployment{}),
		"appsv1.DaemonSet":                      reflect.TypeOf(appsv1.DaemonSet{}),
		"appsv1.StatefulSet":                    reflect.TypeOf(appsv1.StatefulSet{}),
		"appsv1.ReplicaSet":                     reflect.TypeOf(appsv1.ReplicaSet{}),
		"batchv1.Job":                           reflect.TypeOf(batchv1.Job{}),
		"batchv1.CronJob":                       reflect.TypeOf(batchv1.CronJob{}),
		"rbacv1.RoleBinding":                    reflect.TypeOf(rbacv1.RoleBinding{}),
		"rbacv1.ClusterRoleBinding":             reflect.TypeOf(rbacv1.ClusterRoleBinding{}),
		"autoscalingv1.HorizontalPodAutoscaler": reflect.TypeOf(autoscalingv1.HorizontalPodAutoscaler{}),
		"autoscalingv2.HorizontalPodAutoscaler": reflect.TypeOf(autoscalingv2.HorizontalPodAutoscaler{}),
	}
	// `-Root` marks a root (and all it reaches) as already written to
	// another file; only the new types are printed.
	var roots []reflect.Type
	for _, a := range os.Args[1:] {
		known := strings.HasPrefix(a, "-")
		t, ok := types[strings.TrimPrefix(a, "-")]
		if !ok {
			fmt.Fprintf(os.Stderr, "unknown type %s\n", a)
			os.Exit(2)
		}
		if !known {
			roots = append(roots, t)
			continue
		}
		visit(t)
		for len(queue) > 0 {
			k := queue[0]
			queue = queue[1:]
			for i := 0; i < k.NumField(); i++ {
				visit(k.Field(i).Type)
			}
		}
		pending = nil
	}
	for _, r := range roots {
		visit(r)
	}
	for len(queue) > 0 {
		t := queue[0]
		queue = queue[1:]
		fmt.Printf("@%s\n", name(t))
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			parts := strings.Split(tag, ",")
			jname := parts[0]
			var opts []string
			if f.Anonymous && jname == "" {
				jname = "-"
				opts = append(opts, "inline")
			}
			for _, p := range parts[1:] {
				opts = append(opts, p)
			}
			if s := f.Tag.Get("patchStrategy"); s != "" {
				opts = append(opts, "strategy="+s)
			}
			if k := f.Tag.Get("patchMergeKey"); k != "" {
				opts = append(opts, "key="+k)
			}
			if jname == "-" && !f.Anonymous {
				continue
			}
			fmt.Printf("%s\t%s\t%s\n", jname, name(f.Type), strings.Join(opts, " "))
			visit(f.Type)
		}
		for _, p := range pending {
			fmt.Println(p)
		}
		pending = nil
	}
}
