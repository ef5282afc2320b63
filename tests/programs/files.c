/* File I/O inside the pre-opened directory "data": create, write, append,
 * seek, read back, rename, stat, list (sorted), remove; errors by errno. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *dir)
{
  DIR *d = opendir(dir);
  if (!d) {
    printf("opendir %s failed\n", dir);
    return;
  }
  char *names[64];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 64)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
      names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, (size_t)n, sizeof names[0], cmp_str);
  printf("%s:", dir);
  for (int i = 0; i < n; i++) {
    printf(" %s", names[i]);
    free(names[i]);
  }
  printf("\n");
}

int main(void)
{
  FILE *f = fopen("data/numbers.txt", "w");
  if (!f) {
    printf("cannot create\n");
    return 1;
  }
  for (int i = 1; i <= 1000; i++)
    fprintf(f, "%d %d\n", i, i * i);
  fclose(f);

  f = fopen("data/numbers.txt", "a");
  fputs("end\n", f);
  fclose(f);

  f = fopen("data/numbers.txt", "r");
  long long sum = 0;
  int a, b, lines = 0;
  while (fscanf(f, "%d %d", &a, &b) == 2) {
    sum += b;
    lines++;
  }
  char word[16] = "";
  if (fscanf(f, "%15s", word) != 1)
    strcpy(word, "?");
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 10, SEEK_SET);
  char buf[11] = {0};
  size_t got = fread(buf, 1, 10, f);
  fclose(f);
  printf("lines %d sum %lld last '%s' size %ld at10 %zu '%s'\n", lines, sum, word, size, got, buf);

  /* low-level I/O, pread/pwrite-free: lseek and write */
  int fd = open("data/raw.bin", O_CREAT | O_RDWR | O_TRUNC, 0644);
  unsigned char block[4096];
  for (int i = 0; i < 4096; i++)
    block[i] = (unsigned char)(i * 7);
  for (int i = 0; i < 16; i++)
    if (write(fd, block, sizeof block) != (ssize_t)sizeof block)
      printf("short write\n");
  lseek(fd, 5000, SEEK_SET);
  unsigned char c;
  if (read(fd, &c, 1) != 1)
    printf("short read\n");
  printf("raw byte at 5000: %u\n", c);
  if (ftruncate(fd, 1234) != 0)
    printf("truncate failed\n");
  close(fd);

  struct stat st;
  stat("data/raw.bin", &st);
  printf("raw size %lld regular %d\n", (long long)st.st_size, S_ISREG(st.st_mode));

  mkdir("data/sub", 0755);
  mkdir("data/sub/deeper", 0755);
  rename("data/raw.bin", "data/sub/deeper/moved.bin");
  f = fopen("data/sub/note.txt", "w");
  fputs("hello from a subdirectory\n", f);
  fclose(f);
  list("data");
  list("data/sub");
  list("data/sub/deeper");

  errno = 0;
  printf("missing: %s\n", fopen("data/nope.txt", "r") == NULL && errno == ENOENT ? "ENOENT" : "??");
  errno = 0;
  printf("mkdir again: %s\n", mkdir("data/sub", 0755) != 0 && errno == EEXIST ? "EEXIST" : "??");
  errno = 0;
  printf("rmdir non-empty: %s\n", rmdir("data/sub") != 0 && errno == ENOTEMPTY ? "ENOTEMPTY" : "??");

  f = fopen("data/sub/note.txt", "r");
  char line[64];
  if (fgets(line, sizeof line, f))
    printf("note: %s", line);
  fclose(f);

  unlink("data/sub/deeper/moved.bin");
  unlink("data/sub/note.txt");
  rmdir("data/sub/deeper");
  rmdir("data/sub");
  unlink("data/numbers.txt");
  list("data");
  return 0;
}
