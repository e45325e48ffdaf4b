package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"kaohe/internal/cli"
	"kaohe/internal/update"
	"kaohe/sync/protocol"
)

// releaseDir is where published builds are kept: "releases" beside the
// database; serve offers them to enrolled showrooms.
func (e *env) releaseDir() update.Dir {
	return update.Dir(filepath.Join(filepath.Dir(e.db), "releases"))
}

// cmdReleaseAdd publishes a build (kaohe-setup-X.exe, or the bare kaohe.exe)
// signed with HQ's newest Ed25519 key; apps fetch it at their next sync.
func (e *env) cmdReleaseAdd(fs *flag.FlagSet) cli.Run {
	version := fs.String("version", "", "版本号，默认从文件名读出 / version, default read from the file name")
	return func(ctx context.Context, args []string) error {
		if len(args) != 1 {
			return cli.Usagef("kaohe-hq release add", "请给出一个安装包或程序文件 / give one installer or program file")
		}
		path := args[0]
		v := *version
		if v == "" {
			v = update.VersionFromName(path)
		}
		if !update.ValidVersion(v) {
			return cli.Usagef("kaohe-hq release add", "版本号 %q 无效，请用 --version 1.2.3 / bad version %q, give --version 1.2.3", v, v)
		}
		kind := protocol.ReleaseExe
		if strings.Contains(strings.ToLower(filepath.Base(path)), "setup") {
			kind = protocol.ReleaseInstaller
		}
		s, err := e.open(ctx)
		if err != nil {
			return err
		}
		defer s.Close()
		keyID, _, priv, err := s.SigningKey(ctx)
		if err != nil {
			return err
		}
		r, err := update.Sign(path, v, kind, keyID, priv, time.Now().UTC().Format(time.RFC3339))
		if err != nil {
			return err
		}
		if err := e.releaseDir().Publish(path, r); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "已发布 %s（%s，%d 字节，SHA-256 %s），展厅下次同步时获取。\n", r.Version, r.File, r.Size, r.SHA256)
		return nil
	}
}
