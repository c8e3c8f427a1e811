divert(-1)
dnl #
dnl # relaytab.m4 - a sendmail.mc HACK for POP/IMAP-before-SMTP with relaytab:
dnl # a client may relay while its address (${client_addr}) is in the Berkeley
dnl # DB hash map that "relaytab watch --sendmail-hash NAME" keeps current.
dnl #
dnl # Use, in sendmail.mc, before MAILER lines:
dnl #   define (RELAYTAB_MAP, /var/lib/relaytab/popauth)   map, without .db
dnl #   define (RELAYTAB_TAG, )      key prefix; must match --sendmail-tag
dnl #   define (RELAYTAB_IPV6_PREFIX, 64)  must match ipv6-prefix: 16, 32,
dnl #                                48, 64 (the default) or 128
dnl #   HACK (relaytab)
dnl # with this file in /usr/share/sendmail/cf/hack/ (cf/hack/ of your cf tree).
dnl #
dnl # Compatible with the popauth layout (popauth.m4 of pop-before-smtp): the
dnl # same map, keys "TAG" + ${client_addr}. To switch, keep the map path and set
dnl # RELAYTAB_TAG to your POP_B4_SMTP_TAG ("POP:" unless your .mc emptied it)
dnl # relaytab --sendmail-tag to the same text in lowercase. An IPv6 client
dnl # is looked up as "IPv6:x:x:x:x:x:x:x:x" (Sendmail writes ${client_addr}
dnl # uncompressed), then, unless RELAYTAB_IPV6_PREFIX is 128, by its prefix:
dnl # "ipv6:x:x:x:x" for /64, the key relaytab writes for a login anywhere in
dnl # that /64. Hash maps fold keys to lowercase, as relaytab writes them. Like popauth.m4, this HACK defines
dnl # Local_check_rcpt and Local_check_relay: merge by hand if your .mc has its own.
dnl #
dnl # Live lookups instead of a map file: with "relaytab serve" running,
dnl #   define (RELAYTAB_SOCKET, local:/run/relaytab/socketmap)
dnl # (or inet:PORT@127.0.0.1) makes this a socket map asking serve directly;
dnl # RELAYTAB_MAP and RELAYTAB_TAG are then unused. A failed lookup (serve
dnl # down, table unreadable) grants nothing.
dnl #
ifdef(`RELAYTAB_MAP', `', `define(`RELAYTAB_MAP', `/var/lib/relaytab/popauth')')
ifdef(`RELAYTAB_TAG', `', `define(`RELAYTAB_TAG', `')')
ifdef(`RELAYTAB_IPV6_PREFIX', `', `define(`RELAYTAB_IPV6_PREFIX', `64')')
LOCAL_CONFIG
# relaytab: recent IMAP/POP3 logins (see relaytab(8))
ifdef(`RELAYTAB_SOCKET',
`Krelaytab socket -a<OK> -T<TMPF> RELAYTAB_SOCKET',
`Krelaytab hash -a<OK> -T<TMPF> RELAYTAB_MAP')
LOCAL_RULESETS
dnl # Relaytab_ok: YES if ${client_addr} logged in within the grace
SRelaytab_ok
ifdef(`RELAYTAB_SOCKET',
`R$*		$: $(relaytab $&{client_addr} $: <?> $)',
`R$*		$: $(relaytab RELAYTAB_TAG`'$&{client_addr} $: <?> $)
ifelse(RELAYTAB_IPV6_PREFIX, `128', `',
`dnl # not found: an IPv6 client by its /RELAYTAB_IPV6_PREFIX
R<?>		$: <?> $&{client_addr}
ifelse(RELAYTAB_IPV6_PREFIX, `16',
`R<?> IPv6 : $- : $*	$: $(relaytab RELAYTAB_TAG`'ipv6:$1 $: <?> $)',
RELAYTAB_IPV6_PREFIX, `32',
`R<?> IPv6 : $- : $- : $*	$: $(relaytab RELAYTAB_TAG`'ipv6:$1:$2 $: <?> $)',
RELAYTAB_IPV6_PREFIX, `48',
`R<?> IPv6 : $- : $- : $- : $*	$: $(relaytab RELAYTAB_TAG`'ipv6:$1:$2:$3 $: <?> $)',
RELAYTAB_IPV6_PREFIX, `64',
`R<?> IPv6 : $- : $- : $- : $- : $*	$: $(relaytab RELAYTAB_TAG`'ipv6:$1:$2:$3:$4 $: <?> $)',
`errprint(`relaytab.m4: RELAYTAB_IPV6_PREFIX must be 16, 32, 48, 64 or 128
')m4exit(1)')
R<?> $*		$@ NO')')
R<?>		$@ NO
R$* <TMPF>	$@ NO
R$*		$@ YES

SLocal_check_rcpt
R$*		$: $1 $| $>Relaytab_ok
R$* $| YES	$# OK
R$* $| NO	$: $1

SLocal_check_relay
R$*		$: $1 $| $>Relaytab_ok
R$* $| YES	$# OK
R$* $| NO	$: $1
divert(0)
