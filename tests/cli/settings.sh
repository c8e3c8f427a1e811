#!/bin/sh
# settings.sh - the one table of settings (relaytab/cli/settings.c) and
# what must agree with it: relaytab(8) documents every option with its
# default, in the file a serve option's key is "serve-" plus its name and
# a compiler option's its own name, the shipped example file uses only
# known keys, and a command rejects another command's option while its file
# may hold any known key.
. "$top_srcdir/tests/tap.sh"

command -v groff >/dev/null || skip_all "groff is not installed"
MAN=$T/relaytab.8.txt
groff -man -Tascii -rLL=500n "$top_srcdir/man/relaytab.8" 2>/dev/null | col -bx | tr -s " " > "$MAN"
"$RELAYTAB" help settings > "$T/settings"
is $? 0 "relaytab help settings lists the settings"
ok "... at least 15 of them" [ "$(wc -l < "$T/settings")" -ge 15 ]

# the two lists of relaytab(8): COMPILER OPTIONS (compile and watch, and
# the settings serve shares) and the serve options
sed -n '/^COMPILER OPTIONS/,/^FILES/p' "$MAN" > "$T/man-compile"
sed -n '/Serve options/,/^OPTIONS/p' "$MAN" > "$T/man-serve"
bad_opt= bad_def= bad_key=
while IFS='	' read -r key opt def users; do
	case "$users" in
	serve) sect=$T/man-serve ;;
	*) sect=$T/man-compile ;;
	esac
	if [ "$opt" != - ]; then
		grep -q -- "^ *$opt " "$sect" || bad_opt="$bad_opt $opt"
		case "$users" in
		serve) [ "$key" = "serve-${opt#--}" ] || bad_key="$bad_key $key" ;;
		*) [ "$key" = "${opt#--}" ] || bad_key="$bad_key $key" ;;
		esac
	else
		grep -q "^ *$key " "$sect" || bad_opt="$bad_opt $key"
	fi
	[ "$def" = - ] || grep -q -- "$def" "$sect" || bad_def="$bad_def $key=$def"
done < "$T/settings"
is "$bad_opt" "" "relaytab(8) documents every setting in its list"
is "$bad_def" "" "... with its default"
is "$bad_key" "" "a file key is the option's name (serve's with serve- in front)"

# every option relaytab(8) lists for compile/watch and serve is a setting
unknown=
for o in $(cat "$T/man-compile" "$T/man-serve" | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
	case $o in --config|--table) continue ;; esac	# the file; the global option
	cut -f2 "$T/settings" | grep -qx -- "$o" || unknown="$unknown $o"
done
is "$unknown" "" "relaytab(8) lists no option the settings table lacks"

# the shipped example file: known keys only, commented out or not
unknown=
for k in $(sed -n 's/^#\{0,1\}\([a-z][a-z0-9-]*\) *=.*/\1/p' "$top_srcdir/tools/relaytab.conf.example"); do
	cut -f1 "$T/settings" | grep -qx -- "$k" || unknown="$unknown $k"
done
is "$unknown" "" "tools/relaytab.conf.example uses known keys only"

# a file may hold every command's keys; a command line only its own
printf 'grace = 5m\ntext = %s/map\nserve-socket = %s/sock\n' "$T" "$T" > "$T/conf"
"$RELAYTAB" --table "$T/table" create >/dev/null 2>&1
"$RELAYTAB" --table "$T/table" compile --config "$T/conf" 2>"$T/err"
is $? 0 "compile reads a file that also holds serve's keys"
"$RELAYTAB" --table "$T/table" compile --config "$T/conf" --socket x 2>"$T/err"
is $? 64 "compile refuses serve's --socket"
like "$(cat "$T/err")" 'unknown option "--socket"' "... saying so"
printf 'grase = 5m\n' > "$T/typo"
"$RELAYTAB" --table "$T/table" compile --config "$T/typo" --text "$T/map" 2>"$T/err"
is $? 78 "a key no command knows is an error"
like "$(cat "$T/err")" 'typo:1: unknown setting "grase"' "... naming the file, line and key"
"$RELAYTAB" help compile > "$T/help"
like "$(cat "$T/help")" '--postfix-cdb NAME.*may repeat' "the usage text comes from the table"
tap_done
