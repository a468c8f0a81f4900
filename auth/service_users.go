package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/nextportal/portal/internal/errkind"
)

// NewUser is what AddUser needs.
type NewUser struct {
	Name           string
	Email          string
	UserRef        string // catalog User ref; "jane" means user:default/jane
	Role           Role
	Password       string // empty: no password login (e.g. service accounts, OIDC-only users)
	ServiceAccount bool
}

// AddUser creates a user, hashing the password with argon2id. Weak passwords (under 12
// characters) are refused with ErrInvalid, as are bad names, refs and roles; a name or
// catalog user already taken is ErrConflict. A person without a UserRef is linked to the
// catalog User of the same name; a service account to none. An empty role is viewer.
func (s *Service) AddUser(ctx context.Context, nu NewUser) (User, error) {
	u, err := s.newUser(nu)
	if err != nil {
		return User{}, fmt.Errorf("add user %q: %w", nu.Name, err)
	}
	if nu.Password != "" {
		if u.PasswordHash, err = hashPassword(nu.Password, s.argon); err != nil {
			return User{}, fmt.Errorf("add user %s: %w", u.Name, err)
		}
	}
	// A new local account decides the role of an OIDC session for its catalog user.
	defer s.creds.forget()
	created, err := s.o.Store.CreateUser(ctx, u)
	if errors.Is(err, ErrConflict) {
		msg := fmt.Sprintf("a user named %s exists already", u.Name)
		if u.UserRef != "" {
			msg = fmt.Sprintf("a user named %s, or one linked to %s, exists already", u.Name, u.UserRef)
		}
		return User{}, errkind.Errorf(err, "%s", msg)
	}
	if err != nil {
		return User{}, fmt.Errorf("add user %s: %w", nu.Name, err)
	}
	return created, nil
}

// newUser checks nu and returns the user to store, without its password hash.
func (s *Service) newUser(nu NewUser) (User, error) {
	u := User{Name: strings.TrimSpace(nu.Name), Email: strings.TrimSpace(nu.Email), ServiceAccount: nu.ServiceAccount,
		CreatedAt: s.now()}
	if !validName(u.Name) {
		return User{}, errkind.Errorf(ErrInvalid, "name must be letters and digits separated by - _ or ., at most %d characters", maxNameLen)
	}
	if u.Email != "" && (!strings.Contains(u.Email, "@") || strings.ContainsAny(u.Email, " \t\r\n")) {
		return User{}, errkind.Errorf(ErrInvalid, "email %q is not an address", u.Email)
	}
	role := nu.Role
	if role == "" {
		role = RoleViewer
	}
	var err error
	if u.Role, err = ParseRole(string(role)); err != nil {
		return User{}, err
	}
	ref := strings.TrimSpace(nu.UserRef)
	if ref == "" && !nu.ServiceAccount {
		ref = u.Name
	}
	if ref != "" {
		if u.UserRef, err = CanonicalUserRef(ref); err != nil {
			return User{}, err
		}
	}
	if nu.Password != "" {
		if err := checkPassword(nu.Password); err != nil {
			return User{}, err
		}
	}
	return u, nil
}

// Users lists users, by name.
func (s *Service) Users(ctx context.Context) ([]User, error) {
	us, err := s.o.Store.Users(ctx)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return us, nil
}

// SetDisabled disables or enables a user by name; a disabled user's sessions and tokens stop
// working at once in this process, and within Options.CredentialTTL in others.
func (s *Service) SetDisabled(ctx context.Context, name string, disabled bool) error {
	return s.updateUser(ctx, name, func(u *User) { u.Disabled = disabled })
}

// SetRole changes a user's role, by name; it applies to the user's sessions and tokens
// (whose scopes still bound them) as SetDisabled does.
func (s *Service) SetRole(ctx context.Context, name string, role Role) error {
	r, err := ParseRole(string(role))
	if err != nil {
		return fmt.Errorf("set role of %s: %w", name, err)
	}
	return s.updateUser(ctx, name, func(u *User) { u.Role = r })
}

// updateUser reads the user named name, applies change and stores the result.
func (s *Service) updateUser(ctx context.Context, name string, change func(*User)) error {
	u, err := s.o.Store.UserByName(ctx, name)
	if err != nil {
		return fmt.Errorf("update user %s: %w", name, err)
	}
	change(&u)
	defer s.creds.forget() // whatever the outcome: the store may have taken the change before failing
	if err := s.o.Store.UpdateUser(ctx, u); err != nil {
		return fmt.Errorf("update user %s: %w", name, err)
	}
	return nil
}
