package main

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	storagev1 "k8s.io/api/storage/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

const (
	storageClassName = "standard"
	provisionerName  = "k8s.io/minikube-hostpath"
	limitedRoleName  = "kuddle-limited-reader"
)

// bootstrapObjects creates what a minikube-like cluster has beyond the
// built-in objects: the default StorageClass, read access for user limited,
// and metrics-server's RBAC and Service.
func bootstrapObjects(ctx context.Context, c kubernetes.Interface, metricsPort int) error {
	reclaim := corev1.PersistentVolumeReclaimDelete
	binding := storagev1.VolumeBindingImmediate
	sc := &storagev1.StorageClass{
		ObjectMeta: metav1.ObjectMeta{
			Name:        storageClassName,
			Annotations: map[string]string{"storageclass.kubernetes.io/is-default-class": "true"},
			Labels:      map[string]string{"addonmanager.kubernetes.io/mode": "EnsureExists"},
		},
		Provisioner:       provisionerName,
		ReclaimPolicy:     &reclaim,
		VolumeBindingMode: &binding,
	}
	if _, err := c.StorageV1().StorageClasses().Create(ctx, sc, metav1.CreateOptions{}); ignoreExists(err) != nil {
		return err
	}

	role := &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: limitedRoleName, Namespace: "default"},
		Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{""}, Resources: []string{"pods", "services"}, Verbs: []string{"get", "list", "watch"}},
			{APIGroups: []string{"apps"}, Resources: []string{"deployments"}, Verbs: []string{"get", "list", "watch"}},
		},
	}
	if _, err := c.RbacV1().Roles("default").Create(ctx, role, metav1.CreateOptions{}); ignoreExists(err) != nil {
		return err
	}
	rb := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: limitedRoleName, Namespace: "default"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: limitedRoleName},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: "limited"}},
	}
	if _, err := c.RbacV1().RoleBindings("default").Create(ctx, rb, metav1.CreateOptions{}); ignoreExists(err) != nil {
		return err
	}
	return bootstrapMetricsServer(ctx, c, metricsPort)
}

func ignoreExists(err error) error {
	if apierrors.IsAlreadyExists(err) {
		return nil
	}
	return err
}
