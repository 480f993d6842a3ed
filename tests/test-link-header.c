/* test-link-header.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "vigil-link-header.h"

#define BASE "https://api.example.com/v1/customers?page=1"

typedef struct
{
  const char *header;
  const char *base;
  const char *expected; /* NULL: no next link */
} Case;

static void
check_case (const Case *c)
{
  /* An exact-length copy, so ASan sees any read past the end. */
  g_autofree char *header = g_strdup (c->header);
  g_autofree char *next = vigil_link_header_find_next (header, c->base);

  if (g_test_verbose ())
    g_test_message ("%s -> %s", c->header, next ? next : "(null)");

  g_assert_cmpstr (next, ==, c->expected);
}

static void
check_cases (const Case *cases,
             gsize       n_cases)
{
  for (gsize i = 0; i < n_cases; i++)
    check_case (&cases[i]);
}

static void
test_link_header_github (void)
{
  static const Case cases[] = {
    { "<https://api.github.com/repositories/1300192/issues?page=2>; rel=\"prev\", "
      "<https://api.github.com/repositories/1300192/issues?page=4>; rel=\"next\", "
      "<https://api.github.com/repositories/1300192/issues?page=515>; rel=\"last\", "
      "<https://api.github.com/repositories/1300192/issues?page=1>; rel=\"first\"",
      BASE, "https://api.github.com/repositories/1300192/issues?page=4" },
    { "<https://api.github.com/user/repos?page=3&per_page=100>; rel=\"next\", "
      "<https://api.github.com/user/repos?page=50&per_page=100>; rel=\"last\"",
      BASE, "https://api.github.com/user/repos?page=3&per_page=100" },
    { "<https://api.github.com/user/repos?page=1&per_page=100>; rel=\"first\", "
      "<https://api.github.com/user/repos?page=49&per_page=100>; rel=\"prev\"",
      BASE, NULL },
    /* Only one next: the first wins. */
    { "<https://a.example/1>; rel=next, <https://a.example/2>; rel=next",
      BASE, "https://a.example/1" },
    /* Plain http is fine too. */
    { "<http://a.example/p2>; rel=next", BASE, "http://a.example/p2" },
  };

  check_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_link_header_relative (void)
{
  static const Case cases[] = {
    { "</v1/customers?page=2>; rel=next", BASE, "https://api.example.com/v1/customers?page=2" },
    { "<?page=2>; rel=next", BASE, "https://api.example.com/v1/customers?page=2" },
    { "<orders?page=2>; rel=next", BASE, "https://api.example.com/v1/orders?page=2" },
    { "<../v2/customers?page=2>; rel=next", BASE, "https://api.example.com/v2/customers?page=2" },
    { "<//cdn.example.net/p/2>; rel=next", BASE, "https://cdn.example.net/p/2" },
    { "<?page=2>; rel=next", "http://localhost:8080/list", "http://localhost:8080/list?page=2" },
    /* An empty target is the request itself (the poller detects page loops). */
    { "<>; rel=next", BASE, BASE },
    /* Escapes are kept as they are. */
    { "<?cursor=a%26b%2Bc%3D>; rel=next", BASE,
      "https://api.example.com/v1/customers?cursor=a%26b%2Bc%3D" },
    /* A relative target with no base cannot be resolved. */
    { "</p/2>; rel=next", NULL, NULL },
    { "<https://a.example/p/2>; rel=next", NULL, "https://a.example/p/2" },
    /* A base that is not a URI. */
    { "</p/2>; rel=next", "not a uri", NULL },
  };

  check_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_link_header_rel_list (void)
{
  static const Case cases[] = {
    { "<https://a.example/2>; rel=\"prev next\"", BASE, "https://a.example/2" },
    { "<https://a.example/2>; rel=\"next prev\"", BASE, "https://a.example/2" },
    { "<https://a.example/2>; rel=\"  first\tnext  \"", BASE, "https://a.example/2" },
    { "<https://a.example/2>; rel=\"nextpage\"", BASE, NULL },
    { "<https://a.example/2>; rel=\"next-page prev\"", BASE, NULL },
    { "<https://a.example/2>; rel=\"\"", BASE, NULL },
    { "<https://a.example/2>; rel=", BASE, NULL },
    { "<https://a.example/2>; rel", BASE, NULL },
    /* Backslash escapes in a quoted-string. */
    { "<https://a.example/2>; rel=\"n\\ext\"", BASE, "https://a.example/2" },
    { "<https://a.example/2>; rel=\"prev\\\" next\"", BASE, "https://a.example/2" },
    { "<https://a.example/2>; rel=\"\\\"next\\\"\"", BASE, NULL },
    /* Only the first rel counts (RFC 8288 3.3). */
    { "<https://a.example/2>; rel=prev; rel=next", BASE, NULL },
    { "<https://a.example/2>; rel=next; rel=prev", BASE, "https://a.example/2" },
    /* Not rel. */
    { "<https://a.example/2>; rev=next", BASE, NULL },
    { "<https://a.example/2>; relation=next", BASE, NULL },
    { "<https://a.example/2>; rel*=next", BASE, NULL },
    { "<https://a.example/2>; title=next", BASE, NULL },
    { "<https://a.example/2>; title=\"rel=next\"", BASE, NULL },
    { "<https://a.example/2>", BASE, NULL },
  };

  check_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_link_header_case (void)
{
  static const Case cases[] = {
    { "<https://a.example/2>; rel=NEXT", BASE, "https://a.example/2" },
    { "<https://a.example/2>; rel=\"Next\"", BASE, "https://a.example/2" },
    { "<https://a.example/2>; REL=next", BASE, "https://a.example/2" },
    { "<https://a.example/2>; Rel=\"PREV NeXt\"", BASE, "https://a.example/2" },
    /* The target keeps its case (the host may be normalised). */
    { "</Path/To?Page=2>; rel=next", BASE, "https://api.example.com/Path/To?Page=2" },
  };

  check_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_link_header_separators (void)
{
  static const Case cases[] = {
    /* Commas and semicolons inside the target. */
    { "<https://a.example/p?ids=1,2,3&x=a;b>; rel=next", BASE,
      "https://a.example/p?ids=1,2,3&x=a;b" },
    /* The first '>' ends a target, whatever it holds. */
    { "<https://a.example/p?x=1,<y>; rel=prev, <https://a.example/n>; rel=next", BASE,
      "https://a.example/n" },
    { "<https://a.example/p?x=1,<y>; rel=next, <https://a.example/n>; rel=prev", BASE, NULL },
    { "<https://a.example/prev?a=1,2>; rel=prev, <https://a.example/next?a=3;4>; rel=next", BASE,
      "https://a.example/next?a=3;4" },
    /* Commas, semicolons and quotes inside quoted titles. */
    { "<https://a.example/1>; title=\"a, <b>; rel=next, c\"; rel=prev, "
      "<https://a.example/2>; rel=next", BASE, "https://a.example/2" },
    { "<https://a.example/1>; title=\"say \\\"hi\\\", rel=next\"; rel=last, "
      "<https://a.example/2>; title=\"x;y,z\"; rel=\"next\"", BASE, "https://a.example/2" },
    { "<https://a.example/2>; title*=UTF-8'de'n%c3%a4chstes%20Kapitel; type=\"text/html\"; "
      "rel=next", BASE, "https://a.example/2" },
    /* Parameters without a value, empty parameters and list elements. */
    { "<https://a.example/2>; crossorigin; rel=next", BASE, "https://a.example/2" },
    { "<https://a.example/2>;; rel=next;", BASE, "https://a.example/2" },
    { ", , <https://a.example/2>; rel=next,,", BASE, "https://a.example/2" },
    { "<https://a.example/1>; rel=prev,<https://a.example/2>;rel=next", BASE,
      "https://a.example/2" },
  };

  check_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_link_header_whitespace (void)
{
  static const Case cases[] = {
    { "<https://a.example/2>;rel=next", BASE, "https://a.example/2" },
    { "<https://a.example/2> ; rel = next", BASE, "https://a.example/2" },
    { "   <https://a.example/2>\t;\trel\t=\t\"next\"\t  ", BASE, "https://a.example/2" },
    { "<https://a.example/1>;rel=prev ,\t <https://a.example/2> ;rel=\"next\" ", BASE,
      "https://a.example/2" },
    /* Whitespace inside the target is not a URI. */
    { "< https://a.example/2>; rel=next", BASE, NULL },
    { "<https://a.example/2 >; rel=next", BASE, NULL },
    { "<https://a.example/a b>; rel=next", BASE, NULL },
  };

  check_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_link_header_none (void)
{
  static const Case cases[] = {
    { "", BASE, NULL },
    { "   ", BASE, NULL },
    { ",", BASE, NULL },
    { ";", BASE, NULL },
    { "<>", BASE, NULL },
    { "next", BASE, NULL },
    { "rel=next", BASE, NULL },
    { "https://a.example/2; rel=next", BASE, NULL },
    { "<https://a.example/1>; rel=prev, <https://a.example/9>; rel=last", BASE, NULL },
  };

  check_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_link_header_garbage (void)
{
  static const Case cases[] = {
    { "<", BASE, NULL },
    { ">", BASE, NULL },
    { "\"", BASE, NULL },
    { "\\", BASE, NULL },
    { "<<<<>>>>", BASE, NULL },
    { ";;;;,,,,====", BASE, NULL },
    { "<https://a.example/2", BASE, NULL },
    { "<https://a.example/2>; rel=\"next", BASE, NULL },
    { "<https://a.example/2>; rel=\"next\\", BASE, NULL },
    { "<https://a.example/2>; rel=\"next\\\"", BASE, NULL },
    { "<https://a.example/2>; rel=next; title=\"unterminated", BASE, NULL },
    { "<https://a.example/2>; rel=next junk", BASE, NULL },
    { "<https://a.example/2>junk; rel=next", BASE, NULL },
    { "<https://a.example/2>; rel=next\"x\"", BASE, NULL },
    { "<https://a.example/2>; =next", BASE, NULL },
    { "<https://a.example/2>; rel=@next", BASE, NULL },
    { "<https://a.example/2>; rel=\"next\"\"\"", BASE, NULL },
    { "<https://a.example/2>; rel=next <https://a.example/3>; rel=next", BASE, NULL },
    { "<https://a.example/\x01>; rel=next", BASE, NULL },
    { "<https://a.example/\x7f>; rel=next", BASE, NULL },
    { "<https://a.example/\xc3\xa9>; rel=next", BASE, NULL },
    { "<https://a.example/\xff\xfe>; rel=\"\xff next\"", BASE, NULL },
    { "<https://a.example/%zz>; rel=next", BASE, NULL },
    { "<https://a.example/\"x\">; rel=next", BASE, NULL },
    { "<https:\\\\evil.example/>; rel=next", BASE, NULL },
    { "<http://[::1>; rel=next", BASE, NULL },
    { "<https://a.example:99999/>; rel=next", BASE, NULL },
    /* A malformed link is skipped, later ones still count. */
    { "junk, <https://a.example/2>; rel=next", BASE, "https://a.example/2" },
    { "<https://a.example/1>junk, <https://a.example/2>; rel=next", BASE,
      "https://a.example/2" },
    { "\"quoted, junk\", <https://a.example/2>; rel=next", BASE, "https://a.example/2" },
    { "junk <a,b>, <https://a.example/2>; rel=next", BASE, "https://a.example/2" },
    { "<https://a.example/1>; rel=next x, <https://a.example/2>; rel=next", BASE,
      "https://a.example/2" },
    /* An unterminated quote or target ends the parse. */
    { "\"junk, <https://a.example/2>; rel=next", BASE, NULL },
    { "<https://a.example/1>; title=\"x, <https://a.example/2>; rel=next", BASE, NULL },
  };

  check_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_link_header_scheme (void)
{
  static const Case cases[] = {
    { "<ftp://a.example/2>; rel=next", BASE, NULL },
    { "<file:///etc/passwd>; rel=next", BASE, NULL },
    { "<javascript:alert(1)>; rel=next", BASE, NULL },
    { "<data:text/plain,next>; rel=next", BASE, NULL },
    { "<mailto:a@example.com>; rel=next", BASE, NULL },
    { "<urn:isbn:0451450523>; rel=next", BASE, NULL },
    /* No host. */
    { "<https:>; rel=next", NULL, NULL },
    { "<https:///p/2>; rel=next", BASE, NULL },
    { "<http:p2>; rel=next", NULL, NULL },
    /* A relative target against a non-http base. */
    { "</p/2>; rel=next", "ftp://a.example/p/1", NULL },
    { "<?page=2>; rel=next", "file:///tmp/list.json", NULL },
    /* The first next link decides, even when it is refused. */
    { "<ftp://a.example/2>; rel=next, <https://a.example/2>; rel=next", BASE, NULL },
  };

  check_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_link_header_scheme_case (void)
{
  g_autofree char *next = NULL;

  next = vigil_link_header_find_next ("<HTTPS://a.example/2>; rel=next", BASE);
  g_assert_nonnull (next);
  g_assert_cmpint (g_ascii_strncasecmp (next, "https://", 8), ==, 0);
  g_assert_true (g_str_has_suffix (next, "/2"));
}

/* Every prefix of a valid header, in an exact-length buffer, gives
 * either no link or the right one. */
static void
check_truncations (const char *header,
                   const char *base,
                   const char *expected)
{
  gsize len = strlen (header);

  for (gsize i = 0; i <= len; i++)
    {
      g_autofree char *prefix = g_strndup (header, i);
      g_autofree char *next = vigil_link_header_find_next (prefix, base);

      if (next != NULL && g_strcmp0 (next, expected) != 0)
        g_error ("prefix %" G_GSIZE_FORMAT " of “%s” gave “%s”", i, header, next);
    }
}

static void
test_link_header_truncated (void)
{
  static const Case cases[] = {
    { "<https://api.github.com/repositories/1300192/issues?page=2>; rel=\"prev\", "
      "<https://api.github.com/repositories/1300192/issues?page=4>; rel=\"next\", "
      "<https://api.github.com/repositories/1300192/issues?page=515>; rel=\"last\", "
      "<https://api.github.com/repositories/1300192/issues?page=1>; rel=\"first\"",
      BASE, "https://api.github.com/repositories/1300192/issues?page=4" },
    { "<https://a.example/9>; rel=\"last\", <https://a.example/1>; rel=\"first\", "
      "<https://a.example/2>; rel=\"next\"",
      BASE, "https://a.example/2" },
    { "<https://a.example/p?ids=1,2;3>; title=\"a, b; \\\"c\\\"\"; rel=\"prev next\"; "
      "type=\"text/html\", <https://a.example/last>; rel=\"last\"",
      BASE, "https://a.example/p?ids=1,2;3" },
    { "</v1/customers?page=20>; rel=\"last\", </v1/customers?page=2>; rel=\"next\"",
      BASE, "https://api.example.com/v1/customers?page=2" },
    { "<?page=2>; rel=\"next prev\"", BASE, "https://api.example.com/v1/customers?page=2" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      check_case (&cases[i]);
      check_truncations (cases[i].header, cases[i].base, cases[i].expected);
    }
}

/* Random mutations of valid headers: no crash, no read out of bounds,
 * and any result is an absolute http(s) URI. */
static void
test_link_header_mutations (void)
{
  static const char *seeds[] = {
    "<https://a.example/1>; rel=\"prev\", <https://a.example/3>; rel=\"next\"; title=\"x, y\"",
    "</p?x=1,2>; rel=next, <//b.example/q>; rel=\"last first\"",
    "<https://a.example/2>; title*=UTF-8'en'a%20b; rel=\"n\\ext\"",
  };
  static const char alphabet[] = "<>\";,=\\ \trelnxtNEXT/:?a%";
  g_autoptr(GRand) rand = g_rand_new_with_seed (8288);

  for (guint iter = 0; iter < 20000; iter++)
    {
      const char *seed = seeds[iter % G_N_ELEMENTS (seeds)];
      g_autoptr(GString) buf = g_string_new (seed);
      guint n_edits = g_rand_int_range (rand, 1, 6);
      g_autofree char *header = NULL;
      g_autofree char *next = NULL;

      for (guint e = 0; e < n_edits && buf->len > 0; e++)
        {
          gsize pos = g_rand_int_range (rand, 0, (gint32) buf->len);
          char c = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];

          switch (g_rand_int_range (rand, 0, 3))
            {
            case 0:
              buf->str[pos] = c;
              break;
            case 1:
              g_string_insert_c (buf, (gssize) pos, c);
              break;
            default:
              g_string_erase (buf, (gssize) pos, 1);
              break;
            }
        }

      header = g_strndup (buf->str, buf->len);
      next = vigil_link_header_find_next (header, BASE);
      if (next != NULL)
        g_assert_true (g_str_has_prefix (next, "https://") || g_str_has_prefix (next, "http://"));
    }
}

static void
test_link_header_too_long (void)
{
  gsize max = VIGIL_LINK_HEADER_MAX_LENGTH;
  const char *link = "<https://a.example/2>; rel=next";
  gsize link_len = strlen (link);
  g_autofree char *big = NULL;
  g_autofree char *next = NULL;

  /* 2 MiB with a valid next link at the start. */
  big = g_malloc (2 * max + 1);
  memset (big, ' ', 2 * max);
  memcpy (big, link, link_len);
  big[2 * max] = '\0';
  next = vigil_link_header_find_next (big, BASE);
  g_assert_null (next);

  /* Exactly at the limit it is still read. */
  big[max] = '\0';
  next = vigil_link_header_find_next (big, BASE);
  g_assert_cmpstr (next, ==, "https://a.example/2");
  g_clear_pointer (&next, g_free);

  /* One byte over is refused. */
  big[max] = ' ';
  big[max + 1] = '\0';
  next = vigil_link_header_find_next (big, BASE);
  g_assert_null (next);
}

static void
test_link_header_many_links (void)
{
  g_autoptr(GString) buf = g_string_new (NULL);
  g_autofree char *next = NULL;
  gint64 start;

  /* Close to the limit: a long list of links, the next one last, and
   * many unterminated-looking pieces; the scan stays linear. */
  while (buf->len < VIGIL_LINK_HEADER_MAX_LENGTH - 100)
    g_string_append (buf, "<https://a.example/p?a=1,2;3>; rel=prev; title=\"a, b\", ");
  g_string_append (buf, "<https://a.example/n>; rel=next");
  g_assert_cmpuint (buf->len, <=, VIGIL_LINK_HEADER_MAX_LENGTH);

  start = g_get_monotonic_time ();
  next = vigil_link_header_find_next (buf->str, BASE);
  g_assert_cmpstr (next, ==, "https://a.example/n");
  g_clear_pointer (&next, g_free);

  /* Many '<' without '>' and many ';' with no values. */
  g_string_truncate (buf, 0);
  while (buf->len < VIGIL_LINK_HEADER_MAX_LENGTH - 10)
    g_string_append (buf, "x<,;\",");
  next = vigil_link_header_find_next (buf->str, BASE);
  g_assert_null (next);

  g_string_truncate (buf, 0);
  g_string_append (buf, "<https://a.example/n>");
  while (buf->len < VIGIL_LINK_HEADER_MAX_LENGTH - 10)
    g_string_append (buf, ";a");
  next = vigil_link_header_find_next (buf->str, BASE);
  g_assert_null (next);

  /* Generous: even under sanitizers this is well below a second. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/link-header/github", test_link_header_github);
  g_test_add_func ("/core/link-header/relative", test_link_header_relative);
  g_test_add_func ("/core/link-header/rel-list", test_link_header_rel_list);
  g_test_add_func ("/core/link-header/case", test_link_header_case);
  g_test_add_func ("/core/link-header/separators", test_link_header_separators);
  g_test_add_func ("/core/link-header/whitespace", test_link_header_whitespace);
  g_test_add_func ("/core/link-header/none", test_link_header_none);
  g_test_add_func ("/core/link-header/garbage", test_link_header_garbage);
  g_test_add_func ("/core/link-header/scheme", test_link_header_scheme);
  g_test_add_func ("/core/link-header/scheme-case", test_link_header_scheme_case);
  g_test_add_func ("/core/link-header/truncated", test_link_header_truncated);
  g_test_add_func ("/core/link-header/mutations", test_link_header_mutations);
  g_test_add_func ("/core/link-header/too-long", test_link_header_too_long);
  g_test_add_func ("/core/link-header/many-links", test_link_header_many_links);

  return g_test_run ();
}
