/* crc32.c -- bit operations and a table: CRC-32 over a generated buffer. */
#define SIZE 65536

static unsigned table[256];
static unsigned char data[SIZE];

__attribute__((export_name("run"))) int run(int reps)
{
  for (unsigned i = 0; i < 256; i++) {
    unsigned c = i;
    for (int k = 0; k < 8; k++)
      c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  unsigned seed = 12345;
  for (int i = 0; i < SIZE; i++) {
    seed = seed * 1103515245u + 12345u;
    data[i] = (unsigned char)(seed >> 16);
  }
  unsigned crc = 0;
  for (int r = 0; r < reps; r++) {
    crc = ~crc;
    for (int i = 0; i < SIZE; i++)
      crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
    crc = ~crc;
  }
  return (int)crc;
}
