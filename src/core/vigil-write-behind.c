/* vigil-write-behind.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* An SQLite VFS over the default one that can hand a database file's
 * writes to a thread of its own (design 7). A bulk import's merge
 * writes hundreds of megabytes of new pages, and each write's copy into
 * the kernel's page cache takes the merge's own thread a quarter of its
 * time when the kernel's pages are new to it, while the second core has
 * nothing to do. Turned on, a write is copied and queued, and the file's
 * thread writes the queue in order; before anything else is done with
 * the file (a read, a sync, a lock, its size...), the queue is written
 * out, so that SQLite sees the file as if every write had been made at
 * once. A write that fails is told to SQLite at its next read, write,
 * sync, truncation or size of the file, which fails the transaction and
 * rolls it back as any failed write would: the writes after it are
 * dropped, and the journal holds the pages they would have overwritten.
 * Turned off (the default), every call goes straight to the file. */

#define G_LOG_DOMAIN "vigil-write-behind"

#include "config.h"

#include <string.h>

#include "vigil-write-behind.h"

#define VFS_NAME "vigil-write-behind"

/* Writes queued at most: 512 KiB of 8 KiB pages. More would hold more
 * memory for nothing: the file's thread keeps up, or the queue is full
 * whatever its length. */
#define MAX_QUEUED 64

typedef struct
{
  sqlite3_int64 offset;
  int           amount;
  int           size;     /* of the buffer */
  char         *buffer;
} QueuedWrite;

/* Writes queued before an idle thread is woken: waking it is a system
 * call, and at every write it cost the caller's thread more than the
 * copies it saved. */
#define WAKE_AT 32

typedef struct
{
  GMutex        lock;
  GCond         work;       /* for the thread: writes queued, or the end */
  GCond         room;       /* for the caller: room in the queue, or none queued */
  GThread      *thread;
  sqlite3_file *real;       /* the file's */
  QueuedWrite   queue[MAX_QUEUED];
  guint         first;      /* the oldest queued */
  guint         n_queued;   /* the one being written included */
  gboolean      idle;       /* the thread waits for work */
  gboolean      waited;     /* the caller waits for the thread */
  gboolean      stopping;
  int           failure;    /* SQLITE_OK, or what the first failed write returned */
} Behind;

typedef struct
{
  sqlite3_file  base;
  sqlite3_file *real;     /* the default VFS's, in the memory after this */
  Behind       *behind;   /* NULL: every call goes straight to the file */
  int           failure;  /* a write behind's failure not yet told to SQLite */
} BehindFile;

static sqlite3_vfs *real_vfs;
static sqlite3_io_methods behind_methods[4];   /* by the real file's iVersion */

#define REAL(file) (((BehindFile *) (file))->real)

static gpointer
behind_thread (gpointer data)
{
  Behind *behind = data;

  g_mutex_lock (&behind->lock);
  for (;;)
    {
      QueuedWrite *write;
      int rc = SQLITE_OK;

      while (behind->n_queued == 0 && !behind->stopping)
        {
          behind->idle = TRUE;
          g_cond_wait (&behind->work, &behind->lock);
        }
      behind->idle = FALSE;
      if (behind->n_queued == 0)
        break;

      write = &behind->queue[behind->first];
      /* After a failure the rest is dropped: SQLite rolls back. */
      if (behind->failure == SQLITE_OK)
        {
          g_mutex_unlock (&behind->lock);
          rc = behind->real->pMethods->xWrite (behind->real, write->buffer, write->amount, write->offset);
          g_mutex_lock (&behind->lock);
        }
      if (rc != SQLITE_OK && behind->failure == SQLITE_OK)
        behind->failure = rc;
      behind->first = (behind->first + 1) % MAX_QUEUED;
      behind->n_queued--;
      if (behind->waited)
        {
          behind->waited = FALSE;
          g_cond_signal (&behind->room);
        }
    }
  g_mutex_unlock (&behind->lock);
  return NULL;
}

static void
start_behind (BehindFile *file)
{
  Behind *behind = g_new0 (Behind, 1);

  g_mutex_init (&behind->lock);
  g_cond_init (&behind->work);
  g_cond_init (&behind->room);
  behind->real = file->real;
  file->behind = behind;
  behind->thread = g_thread_try_new ("vigil-write", behind_thread, behind, NULL);
  if (behind->thread != NULL)
    return;

  /* Without a thread, the writes go straight to the file, as always. */
  file->behind = NULL;
  g_cond_clear (&behind->work);
  g_cond_clear (&behind->room);
  g_mutex_clear (&behind->lock);
  g_free (behind);
}

/* Writes out the queue and ends the thread; its failure, if one write
 * failed, is kept to be told. */
static void
stop_behind (BehindFile *file)
{
  Behind *behind = g_steal_pointer (&file->behind);

  g_mutex_lock (&behind->lock);
  behind->stopping = TRUE;
  g_cond_signal (&behind->work);
  g_mutex_unlock (&behind->lock);
  g_thread_join (behind->thread);

  if (file->failure == SQLITE_OK)
    file->failure = behind->failure;
  for (guint i = 0; i < MAX_QUEUED; i++)
    g_free (behind->queue[i].buffer);
  g_cond_clear (&behind->work);
  g_cond_clear (&behind->room);
  g_mutex_clear (&behind->lock);
  g_free (behind);
}

/* The caller's, holding the lock: until the thread has made a write. */
static void
wait_for_thread (Behind *behind)
{
  if (behind->idle)
    {
      behind->idle = FALSE;
      g_cond_signal (&behind->work);
    }
  behind->waited = TRUE;
  g_cond_wait (&behind->room, &behind->lock);
}

/* Before anything else is done with the file: every queued write made.
 * After a failed one, the file's calls go straight to it again (SQLite's
 * rollback writes through them). */
static void
write_out (BehindFile *file)
{
  Behind *behind = file->behind;
  gboolean failed;

  if (behind == NULL)
    return;
  g_mutex_lock (&behind->lock);
  while (behind->n_queued > 0)
    wait_for_thread (behind);
  failed = behind->failure != SQLITE_OK;
  g_mutex_unlock (&behind->lock);
  if (failed)
    stop_behind (file);
}

/* The failure of a write behind, once, for a call whose errors SQLite
 * acts on. */
static int
take_failure (BehindFile *file)
{
  int rc = file->failure;

  file->failure = SQLITE_OK;
  return rc;
}

/* write_out(), then the failure of a write behind if one is to be told
 * (SQLITE_OK if none). */
static int
write_out_or_fail (BehindFile *file)
{
  write_out (file);
  return take_failure (file);
}

static int
behind_close (sqlite3_file *base)
{
  BehindFile *file = (BehindFile *) base;
  int rc;

  if (file->behind != NULL)
    stop_behind (file);
  rc = file->real->pMethods->xClose (file->real);
  return file->failure != SQLITE_OK ? take_failure (file) : rc;
}

static int
behind_read (sqlite3_file *base,
             void         *buffer,
             int           amount,
             sqlite3_int64 offset)
{
  BehindFile *file = (BehindFile *) base;
  int rc = write_out_or_fail (file);

  return rc != SQLITE_OK ? rc : file->real->pMethods->xRead (file->real, buffer, amount, offset);
}

static int
behind_write (sqlite3_file *base,
              const void   *data,
              int           amount,
              sqlite3_int64 offset)
{
  BehindFile *file = (BehindFile *) base;
  Behind *behind = file->behind;
  QueuedWrite *write;
  int rc;

  if (behind != NULL)
    {
      g_mutex_lock (&behind->lock);
      while (behind->n_queued == MAX_QUEUED && behind->failure == SQLITE_OK)
        wait_for_thread (behind);
      if (behind->failure == SQLITE_OK)
        {
          write = &behind->queue[(behind->first + behind->n_queued) % MAX_QUEUED];
          if (write->size < amount)
            {
              g_free (write->buffer);
              write->buffer = g_malloc (amount);
              write->size = amount;
            }
          memcpy (write->buffer, data, amount);
          write->amount = amount;
          write->offset = offset;
          behind->n_queued++;
          if (behind->idle && behind->n_queued >= WAKE_AT)
            {
              behind->idle = FALSE;
              g_cond_signal (&behind->work);
            }
          g_mutex_unlock (&behind->lock);
          return SQLITE_OK;
        }
      g_mutex_unlock (&behind->lock);
      write_out (file);
    }
  rc = take_failure (file);
  return rc != SQLITE_OK ? rc : file->real->pMethods->xWrite (file->real, data, amount, offset);
}

static int
behind_truncate (sqlite3_file *base,
                 sqlite3_int64 size)
{
  BehindFile *file = (BehindFile *) base;
  int rc = write_out_or_fail (file);

  return rc != SQLITE_OK ? rc : file->real->pMethods->xTruncate (file->real, size);
}

static int
behind_sync (sqlite3_file *base,
             int           flags)
{
  BehindFile *file = (BehindFile *) base;
  int rc = write_out_or_fail (file);

  return rc != SQLITE_OK ? rc : file->real->pMethods->xSync (file->real, flags);
}

static int
behind_file_size (sqlite3_file  *base,
                  sqlite3_int64 *out_size)
{
  BehindFile *file = (BehindFile *) base;
  int rc = write_out_or_fail (file);

  return rc != SQLITE_OK ? rc : file->real->pMethods->xFileSize (file->real, out_size);
}

static int
behind_lock (sqlite3_file *base,
             int           level)
{
  write_out ((BehindFile *) base);
  return REAL (base)->pMethods->xLock (REAL (base), level);
}

/* Another process may read the file once it is unlocked. */
static int
behind_unlock (sqlite3_file *base,
               int           level)
{
  write_out ((BehindFile *) base);
  return REAL (base)->pMethods->xUnlock (REAL (base), level);
}

static int
behind_check_reserved_lock (sqlite3_file *base,
                            int          *out_reserved)
{
  write_out ((BehindFile *) base);
  return REAL (base)->pMethods->xCheckReservedLock (REAL (base), out_reserved);
}

static int
behind_file_control (sqlite3_file *base,
                     int           op,
                     void         *arg)
{
  BehindFile *file = (BehindFile *) base;

  if (op != VIGIL_WRITE_BEHIND_FCNTL)
    {
      write_out (file);
      return file->real->pMethods->xFileControl (file->real, op, arg);
    }

  if (*(int *) arg && file->behind == NULL)
    start_behind (file);
  else if (!*(int *) arg && file->behind != NULL)
    stop_behind (file);
  return take_failure (file);
}

/* Neither reads nor changes the file: no need to wait for its writes. */
static int
behind_sector_size (sqlite3_file *base)
{
  return REAL (base)->pMethods->xSectorSize (REAL (base));
}

static int
behind_device_characteristics (sqlite3_file *base)
{
  return REAL (base)->pMethods->xDeviceCharacteristics (REAL (base));
}

static int
behind_shm_map (sqlite3_file  *base,
                int            region,
                int            size,
                int            extend,
                void volatile **out_memory)
{
  write_out ((BehindFile *) base);
  return REAL (base)->pMethods->xShmMap (REAL (base), region, size, extend, out_memory);
}

static int
behind_shm_lock (sqlite3_file *base,
                 int           offset,
                 int           n,
                 int           flags)
{
  write_out ((BehindFile *) base);
  return REAL (base)->pMethods->xShmLock (REAL (base), offset, n, flags);
}

static void
behind_shm_barrier (sqlite3_file *base)
{
  REAL (base)->pMethods->xShmBarrier (REAL (base));
}

static int
behind_shm_unmap (sqlite3_file *base,
                  int           delete_flag)
{
  write_out ((BehindFile *) base);
  return REAL (base)->pMethods->xShmUnmap (REAL (base), delete_flag);
}

static int
behind_fetch (sqlite3_file  *base,
              sqlite3_int64  offset,
              int            amount,
              void         **out_pointer)
{
  BehindFile *file = (BehindFile *) base;
  int rc = write_out_or_fail (file);

  return rc != SQLITE_OK ? rc : file->real->pMethods->xFetch (file->real, offset, amount, out_pointer);
}

static int
behind_unfetch (sqlite3_file  *base,
                sqlite3_int64  offset,
                void          *pointer)
{
  write_out ((BehindFile *) base);
  return REAL (base)->pMethods->xUnfetch (REAL (base), offset, pointer);
}

static int
behind_open (sqlite3_vfs      *vfs,
             const char       *name,
             sqlite3_file     *base,
             int               flags,
             int              *out_flags)
{
  BehindFile *file = (BehindFile *) base;
  int version;
  int rc;

  memset (file, 0, sizeof *file);
  file->real = (sqlite3_file *) &file[1];
  rc = real_vfs->xOpen (real_vfs, name, file->real, flags, out_flags);
  /* SQLite closes a file whose methods are set, even when it failed. */
  if (file->real->pMethods != NULL)
    {
      version = CLAMP (file->real->pMethods->iVersion, 1, 3);
      file->base.pMethods = &behind_methods[version];
    }
  return rc;
}

/* The rest of the VFS is the default one's. */

static int
behind_delete (sqlite3_vfs *vfs,
               const char  *name,
               int          sync_directory)
{
  return real_vfs->xDelete (real_vfs, name, sync_directory);
}

static int
behind_access (sqlite3_vfs *vfs,
               const char  *name,
               int          flags,
               int         *out_result)
{
  return real_vfs->xAccess (real_vfs, name, flags, out_result);
}

static int
behind_full_pathname (sqlite3_vfs *vfs,
                      const char  *name,
                      int          n_out,
                      char        *out)
{
  return real_vfs->xFullPathname (real_vfs, name, n_out, out);
}

static void *
behind_dl_open (sqlite3_vfs *vfs,
                const char  *name)
{
  return real_vfs->xDlOpen (real_vfs, name);
}

static void
behind_dl_error (sqlite3_vfs *vfs,
                 int          n_bytes,
                 char        *out)
{
  real_vfs->xDlError (real_vfs, n_bytes, out);
}

static void (*behind_dl_sym (sqlite3_vfs *vfs,
                             void        *handle,
                             const char  *symbol)) (void)
{
  return real_vfs->xDlSym (real_vfs, handle, symbol);
}

static void
behind_dl_close (sqlite3_vfs *vfs,
                 void        *handle)
{
  real_vfs->xDlClose (real_vfs, handle);
}

static int
behind_randomness (sqlite3_vfs *vfs,
                   int          n_bytes,
                   char        *out)
{
  return real_vfs->xRandomness (real_vfs, n_bytes, out);
}

static int
behind_sleep (sqlite3_vfs *vfs,
              int          microseconds)
{
  return real_vfs->xSleep (real_vfs, microseconds);
}

static int
behind_current_time (sqlite3_vfs *vfs,
                     double      *out_now)
{
  return real_vfs->xCurrentTime (real_vfs, out_now);
}

static int
behind_get_last_error (sqlite3_vfs *vfs,
                       int          n_bytes,
                       char        *out)
{
  return real_vfs->xGetLastError (real_vfs, n_bytes, out);
}

static int
behind_current_time_int64 (sqlite3_vfs   *vfs,
                           sqlite3_int64 *out_now)
{
  if (real_vfs->iVersion >= 2 && real_vfs->xCurrentTimeInt64 != NULL)
    return real_vfs->xCurrentTimeInt64 (real_vfs, out_now);
  else
    {
      double now = 0;
      int rc = real_vfs->xCurrentTime (real_vfs, &now);

      *out_now = (sqlite3_int64) (now * 86400000.0);
      return rc;
    }
}

static void
init_methods (void)
{
  for (int version = 1; version <= 3; version++)
    {
      sqlite3_io_methods *methods = &behind_methods[version];

      methods->iVersion = version;
      methods->xClose = behind_close;
      methods->xRead = behind_read;
      methods->xWrite = behind_write;
      methods->xTruncate = behind_truncate;
      methods->xSync = behind_sync;
      methods->xFileSize = behind_file_size;
      methods->xLock = behind_lock;
      methods->xUnlock = behind_unlock;
      methods->xCheckReservedLock = behind_check_reserved_lock;
      methods->xFileControl = behind_file_control;
      methods->xSectorSize = behind_sector_size;
      methods->xDeviceCharacteristics = behind_device_characteristics;
      if (version >= 2)
        {
          methods->xShmMap = behind_shm_map;
          methods->xShmLock = behind_shm_lock;
          methods->xShmBarrier = behind_shm_barrier;
          methods->xShmUnmap = behind_shm_unmap;
        }
      if (version >= 3)
        {
          methods->xFetch = behind_fetch;
          methods->xUnfetch = behind_unfetch;
        }
    }
}

static sqlite3_vfs behind_vfs = {
  .iVersion = 2,
  .zName = VFS_NAME,
  .xOpen = behind_open,
  .xDelete = behind_delete,
  .xAccess = behind_access,
  .xFullPathname = behind_full_pathname,
  .xDlOpen = behind_dl_open,
  .xDlError = behind_dl_error,
  .xDlSym = behind_dl_sym,
  .xDlClose = behind_dl_close,
  .xRandomness = behind_randomness,
  .xSleep = behind_sleep,
  .xCurrentTime = behind_current_time,
  .xGetLastError = behind_get_last_error,
  .xCurrentTimeInt64 = behind_current_time_int64,
};

/**
 * vigil_write_behind_get_vfs_name:
 *
 * Registers the VFS the first time (not as the default), over the
 * default one.
 *
 * Returns: its name, for sqlite3_open_v2(); %NULL (the default VFS)
 *   when there is none to build on or it cannot be registered
 */
const char *
vigil_write_behind_get_vfs_name (void)
{
  static const char *name;

  if (g_once_init_enter (&name))
    {
      const char *registered = "";

      real_vfs = sqlite3_vfs_find (NULL);
      if (real_vfs != NULL)
        {
          init_methods ();
          behind_vfs.szOsFile = (int) sizeof (BehindFile) + real_vfs->szOsFile;
          behind_vfs.mxPathname = real_vfs->mxPathname;
          if (sqlite3_vfs_register (&behind_vfs, 0) == SQLITE_OK)
            registered = VFS_NAME;
        }
      g_once_init_leave (&name, registered);
    }
  return *name != '\0' ? name : NULL;
}

/**
 * vigil_write_behind_set:
 * @db: a connection opened through vigil_write_behind_get_vfs_name()
 * @on: whether the main database's writes go to a thread of their own
 *
 * Turned off, the writes queued are made first.
 *
 * Returns: SQLITE_OK; the error of a write made behind that failed and
 *   was not told yet; SQLITE_NOTFOUND when @db's file is not this VFS's
 */
int
vigil_write_behind_set (sqlite3  *db,
                        gboolean  on)
{
  int arg = on ? 1 : 0;

  return sqlite3_file_control (db, "main", VIGIL_WRITE_BEHIND_FCNTL, &arg);
}
