"""Build dist/wedopt-<version>.zip, the PGXN distribution: every file git tracks or would
track (the working tree as it is), under a top folder wedopt-<version>/."""

import subprocess
import sys
import zipfile
from pathlib import Path

LEFT_OUT = (".venv/", "build/", "dist/", "extension/wedopt--", "extension/wedopt.control")


def files_to_ship(root: Path) -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\0")
    return sorted(
        name for name in listed if name and not name.startswith(LEFT_OUT) and (root / name).is_file()
    )


def main(version: str, target: str) -> None:
    root = Path(__file__).resolve().parent.parent
    prefix = f"wedopt-{version}/"
    names = files_to_ship(root)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.write(root / name, prefix + name)
    print(f"{target}: {len(names)} files")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
