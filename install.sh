#!/bin/sh
# premiumbot installer for Debian/Ubuntu servers.
#
#   curl -fsSL https://…/install.sh -o install.sh && sh install.sh --dry-run && sudo sh install.sh
#
# Installs Node.js 22 LTS when missing (NodeSource), creates the `premiumbot` system user,
# installs the app into /opt/premiumbot, keeps data and .env in /var/lib/premiumbot, renders
# the hardened systemd unit from templates/premiumbot.service and a `premiumbot` command.
# Then run `premiumbot setup`. Re-running it upgrades the app in place (data is untouched).
#
# Options:
#   --dry-run        print the plan, change nothing
#   --source DIR     install from this checkout (default: the folder of this script)
#   --help
# Environment:
#   PREMIUMBOT_ROOT  prefix every path with this folder (tests, packaging); default empty
set -eu

NODE_MAJOR=22
APP_USER=premiumbot
DRY_RUN=0
SOURCE_DIR=
# What the installed app is made of (the rest of a checkout stays where it is).
APP_FILES="bin src migrations templates package.json package-lock.json tsconfig.json tsconfig.build.json README.md"
ROOT=${PREMIUMBOT_ROOT:-}
SUDO=

say() { printf '%s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
	printf 'error: %s\n' "$1" >&2
	if [ $# -gt 1 ]; then printf 'hint: %s\n' "$2" >&2; fi
	exit 1
}

# Runs a command, or only prints it with --dry-run.
run() {
	if [ "$DRY_RUN" = 1 ]; then
		say "  + $*"
		return 0
	fi
	say "  + $*"
	# shellcheck disable=SC2086 # $SUDO is empty or a single word on purpose
	$SUDO "$@"
}

usage() {
	sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
}

parse_args() {
	while [ $# -gt 0 ]; do
		case "$1" in
		--dry-run) DRY_RUN=1 ;;
		--source)
			[ $# -ge 2 ] || die "--source needs a folder" "Example: --source /home/me/premiumbot"
			SOURCE_DIR=$2
			shift
			;;
		--help | -h)
			usage
			exit 0
			;;
		*) die "unknown option: $1" "Run: sh install.sh --help" ;;
		esac
		shift
	done
}

detect_sudo() {
	if [ "$(id -u)" = 0 ]; then
		SUDO=
	elif command -v sudo >/dev/null 2>&1; then
		SUDO=sudo
	elif [ "$DRY_RUN" = 1 ] || [ -n "$ROOT" ]; then
		SUDO=
	else
		die "this installer needs root" "Run it as root, or install sudo."
	fi
}

detect_os() {
	OS_ID=unknown
	if [ -r /etc/os-release ]; then
		# shellcheck disable=SC1091
		OS_ID=$(. /etc/os-release && printf '%s' "${ID:-unknown} ${ID_LIKE:-}")
	fi
	case "$OS_ID" in
	*debian* | *ubuntu*) ;;
	*)
		if [ "$DRY_RUN" = 1 ]; then
			warn "not Debian/Ubuntu ($OS_ID): the real run would stop here"
		else
			die "unsupported system ($OS_ID)" "Use Debian or Ubuntu, or the Dockerfile (see docs/operator-guide.md)."
		fi
		;;
	esac
}

node_major() {
	if command -v node >/dev/null 2>&1; then
		node -p 'process.versions.node.split(".")[0]' 2>/dev/null || printf '0'
	else
		printf '0'
	fi
}

install_node() {
	current=$(node_major)
	if [ "$current" -ge 20 ]; then
		say "Node.js $(node --version) is present: keeping it."
		return 0
	fi
	say "Installing Node.js $NODE_MAJOR LTS (NodeSource apt repository):"
	run apt-get update
	run apt-get install -y ca-certificates curl gnupg build-essential python3
	run sh -c "curl -fsSL https://deb.nodesource.com/setup_${NODE_MAJOR}.x | bash -"
	run apt-get install -y nodejs
}

create_user() {
	if id "$APP_USER" >/dev/null 2>&1; then
		say "System user $APP_USER exists."
		return 0
	fi
	say "Creating the system user $APP_USER:"
	run useradd --system --home-dir /var/lib/premiumbot --shell /usr/sbin/nologin "$APP_USER"
}

install_app() {
	say "Installing the app into $APP_DIR:"
	run mkdir -p "$APP_DIR" "$DATA_DIR/data" "$DATA_DIR/backups"
	# Only what builds and runs the product: never a checkout's demo/, .env, data or .git.
	for item in $APP_FILES; do
		[ -e "$SOURCE_DIR/$item" ] || die "$SOURCE_DIR/$item is missing" "Run the installer from a complete premiumbot checkout or release."
		run cp -R "$SOURCE_DIR/$item" "$APP_DIR/"
	done
	run sh -c "cd '$APP_DIR' && npm ci --no-audit --no-fund && npm run build && npm prune --omit=dev"
	run chown -R root:root "$APP_DIR"
	run chown -R "$APP_USER:$APP_USER" "$DATA_DIR"
	run chmod 750 "$DATA_DIR"
}

render_unit() {
	say "Rendering the systemd unit $UNIT_FILE:"
	node_bin=$(command -v node 2>/dev/null || printf '/usr/bin/node')
	if [ "$DRY_RUN" = 1 ]; then
		say "  + render $SOURCE_DIR/templates/premiumbot.service -> $UNIT_FILE (User=$APP_USER, WorkingDirectory=/var/lib/premiumbot)"
		return 0
	fi
	tmp=$(mktemp)
	sed -e "s|@USER@|$APP_USER|g" -e "s|@GROUP@|$APP_USER|g" \
		-e "s|@APP_DIR@|/opt/premiumbot|g" -e "s|@DATA_DIR@|/var/lib/premiumbot|g" \
		-e "s|@NODE@|$node_bin|g" "$SOURCE_DIR/templates/premiumbot.service" >"$tmp"
	run mkdir -p "$(dirname "$UNIT_FILE")"
	run install -m 644 "$tmp" "$UNIT_FILE"
	rm -f "$tmp"
	if [ -z "$ROOT" ] && command -v systemctl >/dev/null 2>&1; then
		run systemctl daemon-reload
	fi
}

install_command() {
	say "Installing the premiumbot command $BIN_FILE:"
	if [ "$DRY_RUN" = 1 ]; then
		say "  + write $BIN_FILE (runs /opt/premiumbot/bin/premiumbot as $APP_USER in /var/lib/premiumbot)"
		return 0
	fi
	tmp=$(mktemp)
	cat >"$tmp" <<WRAPPER
#!/bin/sh
# Runs premiumbot as its service user, in its data folder (where .env lives).
cd /var/lib/premiumbot || exit 1
if [ "\$(id -un)" = "$APP_USER" ]; then exec node /opt/premiumbot/bin/premiumbot "\$@"; fi
exec sudo -u "$APP_USER" node /opt/premiumbot/bin/premiumbot "\$@"
WRAPPER
	run mkdir -p "$(dirname "$BIN_FILE")"
	run install -m 755 "$tmp" "$BIN_FILE"
	rm -f "$tmp"
}

main() {
	parse_args "$@"
	if [ -z "$SOURCE_DIR" ]; then SOURCE_DIR=$(cd "$(dirname "$0")" && pwd); fi
	[ -f "$SOURCE_DIR/package.json" ] || die "$SOURCE_DIR is not a premiumbot checkout" "Pass --source DIR."
	APP_DIR="$ROOT/opt/premiumbot"
	DATA_DIR="$ROOT/var/lib/premiumbot"
	UNIT_FILE="$ROOT/etc/systemd/system/premiumbot.service"
	BIN_FILE="$ROOT/usr/local/bin/premiumbot"

	if [ "$DRY_RUN" = 1 ]; then say "Dry run: this is the plan; nothing is changed."; fi
	detect_sudo
	detect_os
	say "Plan: Node.js $NODE_MAJOR LTS if missing, user $APP_USER, app in $APP_DIR, data in $DATA_DIR, unit $UNIT_FILE."
	install_node
	create_user
	install_app
	render_unit
	install_command
	say ""
	if [ "$DRY_RUN" = 1 ]; then
		say "Dry run complete: nothing was changed. Run without --dry-run (as root) to install."
		return 0
	fi
	say "Installed. Next:"
	say "  premiumbot setup                          # the wizard writes /var/lib/premiumbot/.env"
	say "  sudo systemctl enable --now premiumbot    # start it now and on boot"
	say "  premiumbot doctor                         # every check should pass"
}

main "$@"
