package hq

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"

	"golang.org/x/crypto/argon2"

	"kaohe/internal/kaohe"
)

// HQ's private signing keys live in their own file, readable by its owner
// only (0600) and, with a passphrase, encrypted (AES-256-GCM under an
// argon2id key of the passphrase): a copy of the database alone cannot sign
// certificates. The database keeps the public halves.

// keyFile is the file's form.
type keyFile struct {
	Keys  map[string]string `json:"keys,omitempty"` // key id -> base64 private key (no passphrase)
	Salt  string            `json:"salt,omitempty"` // with a passphrase: argon2id salt,
	Nonce string            `json:"nonce,omitempty"`
	Box   string            `json:"box,omitempty"` // and the sealed Keys
}

// UseKeyFile makes path the home of HQ's private signing keys: it reads the
// file (decrypting with passphrase when it is sealed), moves any private key
// still in the database into it, and from then on new keys are written
// there. A wrong passphrase is refused.
func (s *Store) UseKeyFile(ctx context.Context, path, passphrase string) error {
	keys, err := readKeyFile(path, passphrase)
	if err != nil {
		return err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, private FROM keys WHERE private <> ''`)
	if err != nil {
		return err
	}
	moved := map[string]string{}
	for rows.Next() {
		var id, priv string
		if err := rows.Scan(&id, &priv); err != nil {
			rows.Close()
			return err
		}
		moved[id] = priv
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for id, priv := range moved {
		keys[id] = priv
	}
	if len(moved) > 0 || !fileExists(path) {
		if err := writeKeyFile(path, passphrase, keys); err != nil {
			return err
		}
	}
	for id := range moved { // only once the file holds them
		if _, err := s.db.ExecContext(ctx, `UPDATE keys SET private = '' WHERE id = ?`, id); err != nil {
			return err
		}
	}
	s.keyPath, s.keyPass, s.privs = path, passphrase, keys
	return nil
}

// privateKey returns a key's private half, from the database or the file.
func (s *Store) privateKey(id, fromDB string) (ed25519.PrivateKey, error) {
	b64 := fromDB
	if b64 == "" {
		b64 = s.privs[id]
	}
	priv, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(priv) != ed25519.PrivateKeySize {
		return nil, kaohe.Errorf(kaohe.ECONFLICT, "err.no_signing_key")
	}
	return priv, nil
}

// storePrivate keeps a new key's private half: in the key file when there is
// one (returning "" for the database column), else in the database.
func (s *Store) storePrivate(id string, priv ed25519.PrivateKey) (string, error) {
	b64 := base64.StdEncoding.EncodeToString(priv)
	if s.keyPath == "" {
		return b64, nil
	}
	keys := map[string]string{id: b64}
	for k, v := range s.privs {
		keys[k] = v
	}
	if err := writeKeyFile(s.keyPath, s.keyPass, keys); err != nil {
		return "", err
	}
	s.privs = keys
	return "", nil
}

func fileExists(path string) bool { _, err := os.Stat(path); return err == nil }

func readKeyFile(path, passphrase string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	var f keyFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, kaohe.Errorf(kaohe.EINVALID, "err.key_file_bad", "Path", path)
	}
	if f.Box == "" {
		if f.Keys == nil {
			f.Keys = map[string]string{}
		}
		return f.Keys, nil
	}
	if passphrase == "" {
		return nil, kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.key_file_passphrase", "Path", path)
	}
	salt, _ := base64.StdEncoding.DecodeString(f.Salt)
	nonce, _ := base64.StdEncoding.DecodeString(f.Nonce)
	box, _ := base64.StdEncoding.DecodeString(f.Box)
	gcm, err := sealer(passphrase, salt)
	if err != nil {
		return nil, err
	}
	plain, err := gcm.Open(nil, nonce, box, nil)
	if err != nil || len(nonce) != gcm.NonceSize() {
		return nil, kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.key_file_passphrase", "Path", path)
	}
	keys := map[string]string{}
	if err := json.Unmarshal(plain, &keys); err != nil {
		return nil, kaohe.Errorf(kaohe.EINVALID, "err.key_file_bad", "Path", path)
	}
	return keys, nil
}

func sealer(passphrase string, salt []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(argon2.IDKey([]byte(passphrase), salt, 2, 64*1024, 1, 32))
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// writeKeyFile writes the keys, sealed with passphrase when one is given,
// to a 0600 file that replaces path whole.
func writeKeyFile(path, passphrase string, keys map[string]string) error {
	f := keyFile{Keys: keys}
	if passphrase != "" {
		salt := make([]byte, 16)
		rand.Read(salt)
		gcm, err := sealer(passphrase, salt)
		if err != nil {
			return err
		}
		nonce := make([]byte, gcm.NonceSize())
		rand.Read(nonce)
		plain, _ := json.Marshal(keys)
		f = keyFile{Salt: base64.StdEncoding.EncodeToString(salt), Nonce: base64.StdEncoding.EncodeToString(nonce),
			Box: base64.StdEncoding.EncodeToString(gcm.Seal(nil, nonce, plain, nil))}
	}
	b, _ := json.MarshalIndent(f, "", " ")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp := path + ".part"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
